import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DNS1123_LABEL_RULE,
  isDnsLabel,
} from '@slipway/plugin-release-manager-common';
import path from 'node:path';
import fs from 'node:fs';

/**
 * Throws an InputError naming `field` when `value` is not a DNS-1123 label, by the
 * release manager's rule (`isDnsLabel` of `@slipway/plugin-release-manager-common`).
 */
export function assertDnsLabel(field: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw new InputError(`${field} "${value}" is not ${DNS1123_LABEL_RULE}`);
  }
  return value;
}

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'app-config.yaml')) && fs.existsSync(path.join(dir, 'packages'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/**
 * Folder of the local bare repositories: `slipway.scaffolder.localGit.baseDir`, else
 * `$SLIPWAY_DATA/repos`, else `<repo root>/.data/repos` (absolute path).
 */
export function localGitBaseDir(config: Config): string {
  const configured = config.getOptionalString('slipway.scaffolder.localGit.baseDir');
  if (configured) return path.resolve(configured);
  if (process.env.SLIPWAY_DATA) return path.resolve(process.env.SLIPWAY_DATA, 'repos');
  return path.join(findRepoRoot(process.cwd()), '.data', 'repos');
}

/** The user running the template, as release committer (name and email). */
export function committerOf(user: { entity?: any; ref?: string } | undefined): {
  committerName: string;
  committerEmail: string;
} {
  const profile = user?.entity?.spec?.profile ?? {};
  const refName = (user?.ref ?? 'user:default/scaffolder').split('/').pop()!;
  return {
    committerName: profile.displayName ?? user?.entity?.metadata?.name ?? refName,
    committerEmail: profile.email ?? `${refName}@users.noreply.slipway.local`,
  };
}

/** Base URL of the local CI: `slipway.scaffolder.localCi.baseUrl`, default `http://localhost:7400`. */
export function localCiBaseUrl(config: Config): string {
  return (
    config.getOptionalString('slipway.scaffolder.localCi.baseUrl') ??
    'http://localhost:7400'
  ).replace(/\/+$/, '');
}
