import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_ENVIRONMENTS,
  DNS1123_LABEL_RULE,
  isDnsLabel,
  ReleaseManagerClient,
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

/** Release-manager connection, read from the suite's `releaseManager` config key. */
export type ReleaseManagerSettings = {
  /** Base URL, e.g. `http://localhost:7100`. */
  baseUrl: string;
  /** Bearer token. */
  token?: string;
  /** Environments in promotion order, e.g. `['dev', 'staging', 'prod']`. */
  environments: string[];
  /** Timeout of each call, in milliseconds. */
  timeoutMs: number;
};

/** Reads `releaseManager.baseUrl`, `.token`, `.environments` and `.timeoutMs`. */
export function releaseManagerSettings(config: Config): ReleaseManagerSettings {
  return {
    baseUrl: config.getOptionalString('releaseManager.baseUrl') ?? 'http://localhost:7100',
    token: config.getOptionalString('releaseManager.token'),
    environments: config.getOptionalStringArray('releaseManager.environments') ?? [
      ...DEFAULT_ENVIRONMENTS,
    ],
    timeoutMs: config.getOptionalNumber('releaseManager.timeoutMs') ?? 10000,
  };
}

/** The typed release-manager client of `@slipway/plugin-release-manager-common`. */
export function releaseManagerClient(settings: ReleaseManagerSettings): ReleaseManagerClient {
  return new ReleaseManagerClient({
    baseUrl: settings.baseUrl,
    token: settings.token,
    timeoutMs: settings.timeoutMs,
  });
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
