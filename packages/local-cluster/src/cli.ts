/* eslint-disable no-console */
import { loadConfig } from './config';
import { startLocalCluster } from './cluster';
import { portOf } from './server';
import { Logger } from './Reconciler';

const USAGE = `Usage: slipway-local-cluster [serve]

Runs the local cluster: applies the config repo's <env>/releases/<ns>/<svc>/
folders to podman and serves GET /healthz, GET /status and POST /reconcile.
Configuration (environment variables): LOCAL_CLUSTER_PORT (7200),
LOCAL_CLUSTER_CONFIG_REPO ($SLIPWAY_DATA/release-manager/config-repo.git),
LOCAL_CLUSTER_BRANCH (main), LOCAL_CLUSTER_NAME (local),
LOCAL_CLUSTER_DATA_DIR ($SLIPWAY_DATA/local-cluster), LOCAL_CLUSTER_INTERVAL_MS
(3000), LOCAL_CLUSTER_PORT_RANGE (20000-29999), RELEASE_MANAGER_URL
(http://localhost:7100), RELEASE_MANAGER_DAEMON_TOKEN / RELEASE_MANAGER_TOKEN,
RELEASE_MANAGER_FLUX_HMAC_SECRET, SLIPWAY_DATA (./.data).
`;

const logger: Logger = {
  info: m => console.log(`${new Date().toISOString()} info ${m}`),
  warn: m => console.warn(`${new Date().toISOString()} warn ${m}`),
  error: m => console.error(`${new Date().toISOString()} error ${m}`),
};

/**
 * The `slipway-local-cluster` command. @returns a promise that settles with the
 * exit code once the server stops (SIGINT/SIGTERM), or at once for `--help`
 */
export async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (args.length && args[0] !== 'serve') {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const cluster = await startLocalCluster(config, logger);
  logger.info(
    `local cluster on http://${config.host}:${portOf(cluster.server)} (data ${
      config.dataDir
    })`,
  );
  return new Promise(resolve => {
    const shutdown = (signal: string) => {
      logger.info(`${signal}: stopping (pods keep running)`);
      cluster.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
}
