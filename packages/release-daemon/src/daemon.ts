import type { KubeConfig } from '@kubernetes/client-node';
import { DaemonConfig } from './config';
import { Logger } from './core/logger';
import { ReleaseManagerReporter } from './core/ReleaseManagerReporter';
import { RolloutTracker } from './core/RolloutTracker';
import { RolloutBackend } from './core/types';
import { createMetrics } from './http/metrics';
import { startHttpServer } from './http/server';
import { ensureContainersConf, PodmanCli } from './podman/PodmanCli';
import { PodmanBackend } from './podman/PodmanBackend';
import {
  KubernetesBackend,
  loadClientNode,
} from './kubernetes/KubernetesBackend';

/** A running daemon. */
export interface RunningDaemon {
  backend: RolloutBackend;
  /** Port of /healthz and /metrics. */
  port: number;
  stop(): Promise<void>;
}

/** Creates the backend `config.backend` names. */
export function createBackend(
  config: DaemonConfig,
  logger: Logger,
  kubeConfig?: KubeConfig,
): RolloutBackend {
  if (config.backend === 'kubernetes') {
    let kc = kubeConfig;
    if (!kc) {
      kc = new (loadClientNode().KubeConfig)();
      try {
        kc.loadFromDefault();
      } catch (error) {
        throw new Error(
          `kubernetes backend: cannot load a kube config (in-cluster service account, KUBECONFIG or ~/.kube/config): ${
            (error as Error).message
          }`,
        );
      }
    }
    return new KubernetesBackend({
      kubeConfig: kc,
      environment: config.kubernetes.environment!,
      namespaces: config.kubernetes.namespaces,
      logger,
    });
  }
  return new PodmanBackend({
    cli: new PodmanCli({
      containersConf: ensureContainersConf(config.podman.containersConf),
    }),
    cluster: config.podman.cluster,
    progressDeadlineSeconds: config.podman.progressDeadlineSeconds,
    logger,
  });
}

/**
 * Starts the daemon: the backend feeding a {@link RolloutTracker} that posts
 * to the release manager, and the HTTP server with /healthz and /metrics.
 */
export async function startDaemon(
  config: DaemonConfig,
  logger: Logger,
  options: { backend?: RolloutBackend; kubeConfig?: KubeConfig } = {},
): Promise<RunningDaemon> {
  const backend =
    options.backend ?? createBackend(config, logger, options.kubeConfig);
  const metrics = createMetrics(
    backend instanceof PodmanBackend ? backend : undefined,
  );
  const reporter = new ReleaseManagerReporter({
    baseUrl: config.releaseManagerUrl,
    token: config.token,
    logger,
    onPosted: (route, ok) =>
      metrics.reports.inc({ route, result: ok ? 'ok' : 'failed' }),
  });
  const tracker = new RolloutTracker({
    target: reporter,
    logger,
    stateFile: config.stateFile,
  });
  const server = await startHttpServer({
    port: config.port,
    host: config.host,
    backend: backend.name,
    health: () => backend.health(),
    registry: metrics.registry,
  });
  await backend.start(tracker);
  logger.info(
    `release daemon (${backend.name}) on :${server.port}, reporting to ${config.releaseManagerUrl}`,
  );
  return {
    backend,
    port: server.port,
    async stop() {
      await backend.stop();
      await reporter.idle();
      tracker.flush();
      await server.close();
    },
  };
}
