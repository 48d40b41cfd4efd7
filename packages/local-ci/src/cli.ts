import path from 'node:path';
import { createLocalCi } from './server';

const USAGE = `Usage: slipway-local-ci serve

Runs the local CI on LOCAL_CI_HOST:LOCAL_CI_PORT (127.0.0.1:7400). Environment:
  LOCAL_CI_DATA_DIR     runs, logs and build folders (default $SLIPWAY_DATA/local-ci, else .data/local-ci)
  LOCAL_CI_REPOS_DIR    the bare repositories it builds (default $SLIPWAY_DATA/repos)
  LOCAL_CI_PUBLIC_URL   base URL of the log links (default http://localhost:<port>)
  LOCAL_CI_TIMEOUT_MS   per-run limit (default 600000)
  LOCAL_CI_RUN_LOCK     a lock file each run holds shared (flock -s)
Every other variable (PATH, RELEASE_MANAGER_URL, RELEASE_MANAGER_ARTIFACT_TOKEN, IMAGE_PREFIX,
BASE_IMAGE, CONTAINERS_CONF, ...) is passed to each repository's ci/run.sh.`;

/**
 * The `slipway-local-ci` command line. `serve` starts the server and resolves only when
 * it stops (never, normally); anything else prints the usage and resolves 2.
 */
export async function main(args: string[]): Promise<number> {
  if (args[0] !== 'serve') {
    console.error(USAGE);
    return args[0] === '--help' ? 0 : 2;
  }
  const data = path.resolve(process.env.SLIPWAY_DATA ?? '.data');
  const port = Number(process.env.LOCAL_CI_PORT ?? 7400);
  const host = process.env.LOCAL_CI_HOST ?? '127.0.0.1';
  const ci = createLocalCi({
    dataDir: path.resolve(process.env.LOCAL_CI_DATA_DIR ?? path.join(data, 'local-ci')),
    reposDir: path.resolve(process.env.LOCAL_CI_REPOS_DIR ?? path.join(data, 'repos')),
    publicUrl: (process.env.LOCAL_CI_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    env: process.env,
    timeoutMs: Number(process.env.LOCAL_CI_TIMEOUT_MS ?? 600_000),
    runLock: process.env.LOCAL_CI_RUN_LOCK || undefined,
  });
  await new Promise<void>((resolve, reject) => {
    ci.server.once('error', reject);
    ci.server.listen(port, host, () => resolve());
  });
  console.log(`slipway-local-ci: listening on http://${host}:${port}`);
  await new Promise<void>(resolve => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => ci.server.close(() => resolve()));
    }
  });
  return 0;
}
