import http from 'node:http';
import { AddressInfo } from 'node:net';
import express from 'express';
import {
  DatabaseConfig,
  DEFAULT_ENVIRONMENTS,
  ReleaseManagerConfig,
  ReleaseManagerConfigInput,
  resolveConfig,
} from './config';
import { ConfigRepo, redact } from './git/ConfigRepo';
import {
  ArtifactStore,
  DirectoryArtifactStore,
} from './artifacts/ArtifactStore';
import { S3ArtifactStore } from './artifacts/S3ArtifactStore';
import { Database } from './db/Database';
import { Metrics } from './metrics';
import { ReleaseManager } from './service/ReleaseManager';
import { createRouter, errorHandler, notFoundHandler } from './http/router';

/** How often the automatic rollback sweep runs (not-ready timers), in milliseconds. */
const AUTO_ROLLBACK_SWEEP_MS = 30_000;

/**
 * Options of {@link startReleaseManager}.
 * @public
 */
export interface StartReleaseManagerOptions {
  /** Folder for the bare config repo (unless `configRepoUrl`), its clone, artifacts and the SQLite file. Created if missing. */
  dataDir: string;
  /** TCP port; 0 (the default here) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Bearer token for every route (hamctl, daemon and artifact tokens alike). */
  token: string;
  /** Environments in promotion order. Default `['dev', 'staging', 'prod']`. */
  environments?: string[];
  /** Config repo remote. Default `<dataDir>/config-repo.git`, created bare if missing. */
  configRepoUrl?: string;
  /** Database; default SQLite at `<dataDir>/release-manager.sqlite`. */
  database?: DatabaseConfig;
  /** Global branch restrictions; default `prod` only from `^(main|master)$`. */
  globalBranchRestrictions?: Array<{
    environment: string;
    branchRegex: string;
  }>;
  /** Shared secret of Flux's `generic-hmac` provider. */
  fluxHmacSecret?: string;
  /** Any other configuration key (see the README); wins over the options above. */
  config?: ReleaseManagerConfigInput;
  /** Where to log; default: nothing. */
  logger?: { info(msg: string): void; error(msg: string): void };
}

/**
 * A running release manager.
 * @public
 */
export interface RunningReleaseManager {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** Stops the HTTP server, waits for queued writes and closes the database. */
  stop(): Promise<void>;
}

/**
 * Builds a release manager from a resolved configuration and listens. Used by
 * the CLI (`slipway-release-manager serve`) and by {@link startReleaseManager}.
 *
 * @throws ServiceUnavailableError when the config repo cannot be cloned or fetched
 */
export async function serve(
  config: ReleaseManagerConfig,
  logger?: StartReleaseManagerOptions['logger'],
): Promise<RunningReleaseManager & { manager: ReleaseManager; port: number }> {
  const db = await Database.open(config.database);
  const metrics = new Metrics({ defaultMetrics: false });
  const repo = new ConfigRepo({
    ...config.configRepo,
    lock: fn => db.withLock('config-repo', fn),
    onPushRetry: () => metrics.pushRetries.inc(),
  });
  try {
    await repo.init();
  } catch (error) {
    await db.close();
    throw error;
  }
  const artifacts: ArtifactStore =
    config.artifacts.type === 's3' && config.artifacts.s3
      ? new S3ArtifactStore(config.artifacts.s3)
      : new DirectoryArtifactStore(config.artifacts.directory);
  const manager = new ReleaseManager(config, repo, artifacts, db, metrics);
  // Builds the index and warms the release-info cache (one walk of the history).
  await manager.warmUp();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(await createRouter({ manager, baseUrl: config.baseUrl, logger }));
  app.use(notFoundHandler());
  app.use(errorHandler(logger));

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host =
    config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host;
  const url = `http://${host}:${port}`;
  if (!config.baseUrl) config.baseUrl = url;

  let poll: NodeJS.Timeout | undefined;
  if (config.configRepo.pollIntervalSeconds > 0) {
    poll = setInterval(() => {
      repo
        .pollOnce()
        .catch(e => logger?.error(`config repo poll failed: ${e.message}`));
    }, config.configRepo.pollIntervalSeconds * 1000);
    poll.unref();
  }
  const prune = () =>
    db
      .prune(config.retentionDays)
      .catch(e => logger?.error(`clean-up of old events failed: ${e.message}`));
  await prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();
  // Automatic rollback: releases not ready within their policy's minutes, and failed
  // rollouts whose report found no rollback (one pass now, after a restart, then periodically).
  if (logger) manager.autoRollback.useLogger(logger);
  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    sweeping ??= manager.autoRollback
      .sweep()
      .catch(e => logger?.error(`auto-rollback sweep failed: ${e.message}`))
      .finally(() => {
        sweeping = undefined;
      });
  };
  sweep();
  const sweepTimer = setInterval(sweep, AUTO_ROLLBACK_SWEEP_MS);
  sweepTimer.unref();
  logger?.info(
    `release manager listening on ${url} (config repo ${redact(
      config.configRepo.url,
    )}, data ${config.dataDir})`,
  );

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    manager,
    stop: () => {
      stopped ??= (async () => {
        if (poll) clearInterval(poll);
        clearInterval(pruneTimer);
        clearInterval(sweepTimer);
        await sweeping;
        await new Promise<void>(resolve => {
          server.close(() => resolve());
          server.closeAllConnections?.();
        });
        await repo.close();
        await db.close();
      })();
      return stopped;
    },
  };
}

/**
 * Starts a release manager in-process: creates the data folder, the bare config
 * repo (unless `configRepoUrl`) and the SQLite database when missing, and
 * listens on `port` (0 = a free port). For tests, seeding and embedding.
 *
 * @example
 * ```ts
 * const rm = await startReleaseManager({ dataDir: tmp, port: 0, token: 't' });
 * await fetch(`${rm.url}/status?service=x`, { headers: { authorization: 'Bearer t' } });
 * await rm.stop();
 * ```
 * @throws ServiceUnavailableError when `configRepoUrl` cannot be cloned
 * @public
 */
export async function startReleaseManager(
  options: StartReleaseManagerOptions,
): Promise<RunningReleaseManager> {
  const config = resolveConfig({
    dataDir: options.dataDir,
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    auth: { token: options.token },
    environments: options.environments ?? [...DEFAULT_ENVIRONMENTS],
    configRepo: { url: options.configRepoUrl, pollIntervalSeconds: 0 },
    database: options.database,
    globalBranchRestrictions: options.globalBranchRestrictions,
    flux: { hmacSecret: options.fluxHmacSecret },
    ...options.config,
  });
  const running = await serve(config, options.logger);
  return { url: running.url, stop: running.stop };
}
