import path from 'node:path';
import { z } from 'zod';

/** The daemon's configuration, read from environment variables by {@link loadConfig}. */
export interface DaemonConfig {
  /** `podman` (embedded default) or `kubernetes`. `RELEASE_DAEMON_BACKEND`. */
  backend: 'podman' | 'kubernetes';
  /** HTTP port of /healthz and /metrics. `RELEASE_DAEMON_PORT`, default 7300. */
  port: number;
  /** `RELEASE_DAEMON_HOST`, default 0.0.0.0. */
  host: string;
  /** Release manager base URL. `RELEASE_MANAGER_URL`, default http://localhost:7100. */
  releaseManagerUrl: string;
  /** Bearer token of the daemon webhooks. `RELEASE_MANAGER_DAEMON_TOKEN` (required). */
  token: string;
  /** What was reported, kept across restarts. `RELEASE_DAEMON_STATE_FILE` (optional). */
  stateFile?: string;
  kubernetes: {
    /** Namespaces to watch; empty = all. `RELEASE_DAEMON_NAMESPACES` (comma-separated). */
    namespaces: string[];
    /** Release manager environment of this cluster. `RELEASE_DAEMON_ENVIRONMENT`. */
    environment?: string;
  };
  podman: {
    /** `CONTAINERS_CONF`, default `$SLIPWAY_DATA/podman/containers.conf`. */
    containersConf: string;
    /** Only pods with this `slipway.dev/cluster` label. `RELEASE_DAEMON_PODMAN_CLUSTER`. */
    cluster?: string;
    /** Seconds before an incomplete rollout is stalled. `RELEASE_DAEMON_PROGRESS_DEADLINE_SECONDS`, default 120. */
    progressDeadlineSeconds: number;
  };
}

const dns = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a DNS-1123 label (lower-case letters, digits and -)',
  );

const schema = z.object({
  backend: z.enum(['podman', 'kubernetes'], {
    error: 'RELEASE_DAEMON_BACKEND must be podman or kubernetes',
  }),
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  releaseManagerUrl: z.url({ error: 'RELEASE_MANAGER_URL must be a URL' }),
  token: z
    .string({ error: 'RELEASE_MANAGER_DAEMON_TOKEN is required' })
    .min(1, 'RELEASE_MANAGER_DAEMON_TOKEN is required'),
  stateFile: z.string().optional(),
  kubernetes: z.object({
    namespaces: z.array(dns),
    environment: dns.optional(),
  }),
  podman: z.object({
    containersConf: z.string().min(1),
    cluster: z.string().optional(),
    progressDeadlineSeconds: z.coerce.number().int().min(1),
  }),
});

/**
 * Reads the configuration from `env` (see {@link DaemonConfig} for the
 * variables and defaults).
 * @throws Error naming the variable when a value is missing or invalid
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const e = (k: string) => (env[k] === '' ? undefined : env[k]);
  const data = path.resolve(e('SLIPWAY_DATA') ?? '.data');
  const raw = {
    backend: e('RELEASE_DAEMON_BACKEND') ?? 'podman',
    port: e('RELEASE_DAEMON_PORT') ?? '7300',
    host: e('RELEASE_DAEMON_HOST') ?? '0.0.0.0',
    releaseManagerUrl: e('RELEASE_MANAGER_URL') ?? 'http://localhost:7100',
    token: e('RELEASE_MANAGER_DAEMON_TOKEN'),
    stateFile: e('RELEASE_DAEMON_STATE_FILE'),
    kubernetes: {
      namespaces: (e('RELEASE_DAEMON_NAMESPACES') ?? '')
        .split(',')
        .map(s => s.trim())
        .filter(Boolean),
      environment: e('RELEASE_DAEMON_ENVIRONMENT'),
    },
    podman: {
      containersConf:
        e('CONTAINERS_CONF') ?? path.join(data, 'podman', 'containers.conf'),
      cluster: e('RELEASE_DAEMON_PODMAN_CLUSTER'),
      progressDeadlineSeconds:
        e('RELEASE_DAEMON_PROGRESS_DEADLINE_SECONDS') ?? '120',
    },
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const names: Record<string, string> = {
      backend: 'RELEASE_DAEMON_BACKEND',
      port: 'RELEASE_DAEMON_PORT',
      releaseManagerUrl: 'RELEASE_MANAGER_URL',
      token: 'RELEASE_MANAGER_DAEMON_TOKEN',
      'kubernetes.namespaces': 'RELEASE_DAEMON_NAMESPACES',
      'kubernetes.environment': 'RELEASE_DAEMON_ENVIRONMENT',
      'podman.progressDeadlineSeconds':
        'RELEASE_DAEMON_PROGRESS_DEADLINE_SECONDS',
    };
    const field = issue.path.filter(p => typeof p === 'string').join('.');
    const name = names[field] ?? field;
    throw new Error(
      issue.message.includes(name)
        ? `invalid configuration: ${issue.message}`
        : `invalid configuration: ${name}: ${issue.message}`,
    );
  }
  const config = parsed.data as DaemonConfig;
  if (config.backend === 'kubernetes' && !config.kubernetes.environment) {
    throw new Error(
      'invalid configuration: RELEASE_DAEMON_ENVIRONMENT is required with the kubernetes backend (the release manager environment of this cluster, e.g. prod)',
    );
  }
  return config;
}
