import http from 'node:http';
import path from 'node:path';
import { LocalClusterConfig } from './config';
import { ConfigSource } from './git/ConfigSource';
import { Podman, writeContainersConf } from './podman/Podman';
import { PortAllocator } from './ports';
import { Logger, Reconciler } from './Reconciler';
import { startServer } from './server';

/** A running local cluster. */
export interface LocalCluster {
  server: http.Server;
  /** Undefined when podman is not available (`/status` says why). */
  reconciler?: Reconciler;
  stop(): Promise<void>;
}

/**
 * Starts the local cluster of `config`: writes the containers.conf, checks
 * podman, starts the reconcile loop and the HTTP server. Without a working
 * podman only the HTTP server runs, and `/status` says
 * `{available:false, reason:"podman not installed: apt-get install podman runc"}`.
 */
export async function startLocalCluster(
  config: LocalClusterConfig,
  logger: Logger,
  options: { podmanBinary?: string } = {},
): Promise<LocalCluster> {
  writeContainersConf(config.containersConf);
  const podman = new Podman({
    containersConf: config.containersConf,
    workDir: path.join(config.dataDir, 'tmp'),
    binary: options.podmanBinary,
    onCommand: process.env.LOCAL_CLUSTER_DEBUG
      ? (args, ms, code) =>
          logger.info(`podman ${args.join(' ')}: exit ${code} in ${ms} ms`)
      : undefined,
  });
  const availability = await podman.availability();
  let reconciler: Reconciler | undefined;
  if (availability.available) {
    reconciler = new Reconciler({
      clusterName: config.clusterName,
      branch: config.branch,
      source: new ConfigSource(
        config.configRepo,
        config.branch,
        path.join(config.dataDir, 'config-repo'),
      ),
      podman,
      ports: new PortAllocator(
        path.join(config.dataDir, 'ports.json'),
        config.portRange,
      ),
      stateFile: path.join(config.dataDir, 'state.json'),
      fileSdPath: config.fileSdPath,
      reporter: {
        url: config.releaseManagerUrl,
        token: config.releaseManagerToken,
        hmacSecret: config.fluxHmacSecret,
      },
      intervalMs: config.intervalMs,
      logger,
      debug: process.env.LOCAL_CLUSTER_DEBUG
        ? m => logger.info(`debug: ${m}`)
        : undefined,
    });
    reconciler.start();
    logger.info(
      `podman ${availability.version}; applying ${config.configRepo} (${config.branch}) as cluster '${config.clusterName}' every ${config.intervalMs} ms`,
    );
  } else {
    logger.error(`local cluster not running: ${availability.reason}`);
  }
  const server = await startServer({
    port: config.port,
    host: config.host,
    reconciler,
    unavailable: availability.available ? undefined : availability.reason,
    info: availability.available ? { podman: availability.version } : {},
  });
  return {
    server,
    reconciler,
    async stop() {
      await new Promise(resolve => server.close(resolve));
      await reconciler?.stop();
    },
  };
}
