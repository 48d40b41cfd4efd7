/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_TOKEN, loadConfig, ReleaseManagerConfig } from './config';
import { serve } from './server';
import {
  AUTO_ROLLBACK_USAGE,
  autoReleaseCommand,
  autoRollbacksCommand,
  policyCommand,
} from './cliAutoRollback';
import {
  freezeCommand,
  gatesCommand,
  SAFE_DELIVERY_USAGE,
} from './cliSafeDelivery';
import { doraCommand, INSIGHTS_USAGE } from './cliInsights';
import { ReleaseManagerClient } from '@slipway/plugin-release-manager-common';
import { ArtifactManifests, ArtifactSpec, Intent } from './http/types';
import { MANIFEST_FILE_NAME } from '@slipway/plugin-release-manager-common/rules';

const USAGE = `Usage: slipway-release-manager <command> [options]

Commands:
  serve [--config <file>] [--dev]
      Runs the HTTP server. Configuration: YAML file (--config or
      RELEASE_MANAGER_CONFIG) and RELEASE_MANAGER_* environment variables.
      Refuses to start without a token (RELEASE_MANAGER_TOKEN or auth.token),
      and with the public development token, unless --dev (local development
      only: then the token defaults to ${DEV_TOKEN}).
  artifact push --spec <artifact.json> --manifests <dir> [--url <url>] [--token <token>]
      Uploads an artifact from CI: the spec plus <dir>/<environment>/*.yaml.
  release --service <s> --environment <e> (--artifact <id> | --branch <b> | --promote | --rollback)
          --name <committer> --email <committer email> [--url <url>] [--token <token>]
          [--break-glass <reason>] [--override-gates <reason>]
      Releases through the API. An owner may release into a frozen environment
      with --break-glass, or past failing promotion gates with --override-gates;
      the reason is recorded in the commit and the events feed.
${SAFE_DELIVERY_USAGE}${INSIGHTS_USAGE}${AUTO_ROLLBACK_USAGE}
--url defaults to RELEASE_MANAGER_URL or http://localhost:7100; --token to
RELEASE_MANAGER_TOKEN or ${DEV_TOKEN}.
`;

function client(values: Record<string, any>) {
  return new ReleaseManagerClient({
    baseUrl:
      values.url ?? process.env.RELEASE_MANAGER_URL ?? 'http://localhost:7100',
    token: values.token ?? process.env.RELEASE_MANAGER_TOKEN ?? DEV_TOKEN,
  });
}

function readManifests(dir: string): ArtifactManifests {
  const out: ArtifactManifests = {};
  for (const env of fs.readdirSync(dir)) {
    const envDir = path.join(dir, env);
    if (!fs.statSync(envDir).isDirectory()) continue;
    out[env] = {};
    for (const f of fs.readdirSync(envDir)) {
      if (MANIFEST_FILE_NAME.test(f))
        out[env][f] = fs.readFileSync(path.join(envDir, f), 'utf8');
    }
  }
  return out;
}

/**
 * Reads the configuration of `serve` from its arguments (`--config <file>`, `--dev`)
 * and `env`.
 * @returns the configuration, and warnings to log (development mode)
 * @throws Error when the configuration is invalid or, without `--dev`, has no token
 */
export function serveConfig(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { config: ReleaseManagerConfig; warnings: string[] } {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, dev: { type: 'boolean' } },
  });
  const dev = values.dev === true;
  const config = loadConfig({ file: values.config, env, dev });
  const warnings: string[] = [];
  if (dev) {
    warnings.push(
      config.auth.token === DEV_TOKEN
        ? `development mode (--dev): using the public token '${DEV_TOKEN}'; never use --dev in production`
        : 'development mode (--dev): never use --dev in production',
    );
  }
  return { config, warnings };
}

/**
 * Runs the `slipway-release-manager` CLI with `argv` (without node and script).
 * @returns the exit code; `serve` resolves only when the server stops
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  if (command === 'serve') {
    const { config, warnings } = serveConfig(rest);
    const logger = {
      info: (m: string) => console.log(`${new Date().toISOString()} info ${m}`),
      error: (m: string) =>
        console.error(`${new Date().toISOString()} error ${m}`),
    };
    for (const w of warnings) {
      console.error(`${new Date().toISOString()} warn ${w}`);
    }
    const running = await serve(config, logger);
    const stop = async () => {
      logger.info('stopping');
      await running.stop();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    await new Promise(() => {});
    return 0;
  }
  if (command === 'artifact') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        spec: { type: 'string' },
        manifests: { type: 'string' },
      },
    });
    if (positionals[0] !== 'push' || !values.spec || !values.manifests) {
      console.error(USAGE);
      return 1;
    }
    const spec = JSON.parse(
      fs.readFileSync(values.spec, 'utf8'),
    ) as ArtifactSpec;
    const res = await client(values).createArtifact({
      artifact: spec,
      manifests: readManifests(values.manifests),
    });
    console.log(JSON.stringify(res, null, 2));
    return 0;
  }
  if (command === 'release') {
    const { values } = parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        service: { type: 'string' },
        environment: { type: 'string' },
        artifact: { type: 'string' },
        branch: { type: 'string' },
        promote: { type: 'boolean' },
        rollback: { type: 'boolean' },
        name: { type: 'string' },
        email: { type: 'string' },
        'break-glass': { type: 'string' },
        'override-gates': { type: 'string' },
      },
    });
    let intent: Intent = { type: 'ReleaseArtifact' };
    if (values.promote) intent = { type: 'Promote', promote: {} };
    else if (values.rollback) intent = { type: 'Rollback', rollback: {} };
    else if (values.branch) {
      intent = {
        type: 'ReleaseBranch',
        releaseBranch: { branch: values.branch },
      };
    }
    const request = {
      service: values.service!,
      environment: values.environment!,
      artifactId: values.artifact,
      committerName: values.name!,
      committerEmail: values.email!,
      intent,
    };
    const breakGlass = values['break-glass'];
    const overrideGates = values['override-gates'];
    const res =
      breakGlass !== undefined || overrideGates !== undefined
        ? await client(values).safeRelease({
            ...request,
            ...(breakGlass !== undefined
              ? { breakGlass: { reason: breakGlass } }
              : {}),
            ...(overrideGates !== undefined
              ? { overrideGates: { reason: overrideGates } }
              : {}),
          })
        : await client(values).release(request);
    console.log(JSON.stringify(res, null, 2));
    return 0;
  }
  if (command === 'freeze') return freezeCommand(rest, client);
  if (command === 'policy') return policyCommand(rest, client);
  if (command === 'auto-release') return autoReleaseCommand(rest, client);
  if (command === 'auto-rollbacks') return autoRollbacksCommand(rest, client);
  if (command === 'gates') return gatesCommand(rest, client);
  if (command === 'dora') return doraCommand(rest, client);
  console.error(USAGE);
  return 1;
}
