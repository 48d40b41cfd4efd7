import { loadConfig } from './config';
import { consoleLogger } from './core/logger';
import { startDaemon } from './daemon';

const USAGE = `Usage: slipway-release-daemon [serve]

Watches rollouts and reports them to the release manager's daemon webhooks
(POST /webhook/daemon/k8s/deploy and /webhook/daemon/k8s/error); serves
GET /healthz and GET /metrics.

Environment:
  RELEASE_DAEMON_BACKEND        podman (default, the embedded local cluster) or kubernetes
  RELEASE_MANAGER_URL           default http://localhost:7100
  RELEASE_MANAGER_DAEMON_TOKEN  bearer token of the daemon webhooks (required)
  RELEASE_DAEMON_PORT           default 7300
  RELEASE_DAEMON_STATE_FILE     remembers what was reported across restarts
  kubernetes: RELEASE_DAEMON_ENVIRONMENT (required), RELEASE_DAEMON_NAMESPACES
              (comma-separated; empty = all), KUBECONFIG or the in-cluster service account
  podman:     CONTAINERS_CONF (default $SLIPWAY_DATA/podman/containers.conf),
              RELEASE_DAEMON_PODMAN_CLUSTER, RELEASE_DAEMON_PROGRESS_DEADLINE_SECONDS (default 120)
`;

/**
 * Runs the CLI. `serve` (the default) runs until SIGINT/SIGTERM.
 * @returns the exit code
 */
export async function main(args: string[]): Promise<number> {
  const command = args[0] ?? 'serve';
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig(process.env);
  const daemon = await startDaemon(config, consoleLogger);
  await new Promise<void>(resolve => {
    const stop = (signal: string) => {
      consoleLogger.info(`${signal}: stopping`);
      daemon.stop().finally(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
