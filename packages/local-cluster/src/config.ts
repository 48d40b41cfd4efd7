import path from 'node:path';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** The public token of local development (the release manager's default with `--dev`). */
export const DEV_TOKEN = 'slipway-dev-token';

/** Configuration of the local cluster (all from environment variables, see {@link loadConfig}). */
export interface LocalClusterConfig {
  /** HTTP port of `/healthz`, `/status`, `/reconcile` (`LOCAL_CLUSTER_PORT`, default 7200; 0 = any). */
  port: number;
  /** Address the HTTP server binds (`LOCAL_CLUSTER_HOST`, default 127.0.0.1). */
  host: string;
  /** Git URL or path of the config repo (`LOCAL_CLUSTER_CONFIG_REPO`). */
  configRepo: string;
  /** Branch applied (`LOCAL_CLUSTER_BRANCH`, default `main`). */
  branch: string;
  /** Cluster name: the `slipway.dev/cluster` label, part of every pod name's uniqueness (`LOCAL_CLUSTER_NAME`, default `local`). */
  clusterName: string;
  /** State folder: clone, ports.json, state.json, file_sd/ (`LOCAL_CLUSTER_DATA_DIR`, default `$SLIPWAY_DATA/local-cluster`). */
  dataDir: string;
  /** The containers.conf the cluster writes and passes to podman as `CONTAINERS_CONF` (default `$SLIPWAY_DATA/podman/containers.conf`). */
  containersConf: string;
  /** Milliseconds between polls of the config repo (`LOCAL_CLUSTER_INTERVAL_MS`, default 3000). */
  intervalMs: number;
  /** Host ports handed to replicas, inclusive (`LOCAL_CLUSTER_PORT_RANGE`, default `20000-29999`). */
  portRange: { from: number; to: number };
  /** Release manager base URL for Flux events (`RELEASE_MANAGER_URL`, default http://localhost:7100); empty = do not report. */
  releaseManagerUrl: string;
  /** Bearer token of `/webhook/flux/{env}` (`RELEASE_MANAGER_DAEMON_TOKEN`, else `RELEASE_MANAGER_TOKEN`, else the dev token). */
  releaseManagerToken: string;
  /** When set, events are signed like Flux's `generic-hmac` provider (`RELEASE_MANAGER_FLUX_HMAC_SECRET`). */
  fluxHmacSecret?: string;
  /** Path of the Prometheus file_sd targets file (`$dataDir/file_sd/pods.json`). */
  fileSdPath: string;
}

const envSchema = z.object({
  LOCAL_CLUSTER_PORT: z.coerce.number().int().min(0).max(65535).default(7200),
  LOCAL_CLUSTER_HOST: z.string().min(1).default('127.0.0.1'),
  LOCAL_CLUSTER_CONFIG_REPO: z.string().min(1).optional(),
  LOCAL_CLUSTER_BRANCH: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/, 'LOCAL_CLUSTER_BRANCH is not a branch name')
    .default('main'),
  LOCAL_CLUSTER_NAME: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?$/,
      'LOCAL_CLUSTER_NAME must be a DNS label of at most 20 characters',
    )
    .default('local'),
  LOCAL_CLUSTER_DATA_DIR: z.string().min(1).optional(),
  LOCAL_CLUSTER_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(200)
    .max(3_600_000)
    .default(3000),
  LOCAL_CLUSTER_PORT_RANGE: z
    .string()
    .regex(/^\d+-\d+$/, 'LOCAL_CLUSTER_PORT_RANGE must look like 20000-29999')
    .default('20000-29999'),
  RELEASE_MANAGER_URL: z.string().default('http://localhost:7100'),
  RELEASE_MANAGER_DAEMON_TOKEN: z.string().min(1).optional(),
  RELEASE_MANAGER_TOKEN: z.string().min(1).optional(),
  RELEASE_MANAGER_FLUX_HMAC_SECRET: z.string().min(1).optional(),
  SLIPWAY_DATA: z.string().min(1).optional(),
});

/**
 * Reads the configuration from environment variables (names in
 * {@link LocalClusterConfig}). `$SLIPWAY_DATA` defaults to `./.data`.
 * @throws InputError naming the first invalid variable
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
): LocalClusterConfig {
  const r = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')),
  );
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new InputError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = r.data;
  const data = path.resolve(e.SLIPWAY_DATA ?? '.data');
  const dataDir = path.resolve(
    e.LOCAL_CLUSTER_DATA_DIR ?? path.join(data, 'local-cluster'),
  );
  const [from, to] = e.LOCAL_CLUSTER_PORT_RANGE.split('-').map(Number);
  if (from < 1024 || to > 65535 || from > to) {
    throw new InputError(
      `LOCAL_CLUSTER_PORT_RANGE: ${e.LOCAL_CLUSTER_PORT_RANGE} is not a range within 1024-65535`,
    );
  }
  return {
    port: e.LOCAL_CLUSTER_PORT,
    host: e.LOCAL_CLUSTER_HOST,
    configRepo:
      e.LOCAL_CLUSTER_CONFIG_REPO ??
      path.join(data, 'release-manager', 'config-repo.git'),
    branch: e.LOCAL_CLUSTER_BRANCH,
    clusterName: e.LOCAL_CLUSTER_NAME,
    dataDir,
    containersConf: path.join(data, 'podman', 'containers.conf'),
    intervalMs: e.LOCAL_CLUSTER_INTERVAL_MS,
    portRange: { from, to },
    releaseManagerUrl: e.RELEASE_MANAGER_URL.replace(/\/+$/, ''),
    releaseManagerToken:
      e.RELEASE_MANAGER_DAEMON_TOKEN ?? e.RELEASE_MANAGER_TOKEN ?? DEV_TOKEN,
    fluxHmacSecret: e.RELEASE_MANAGER_FLUX_HMAC_SECRET,
    fileSdPath: path.join(dataDir, 'file_sd', 'pods.json'),
  };
}
