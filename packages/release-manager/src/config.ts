import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import {
  DEFAULT_ENVIRONMENTS as RULES_DEFAULT_ENVIRONMENTS,
  DNS1123_LABEL,
  isValidBranchRegex,
} from '@slipway/plugin-release-manager-common/rules';
import type { S3ArtifactStoreConfig } from './artifacts/S3ArtifactStore';
import type { FreezeWindow, PromotionGatesSettings } from './http/types';
import { validateFreezeSpec } from './service/freeze/schedule';

/**
 * The public token of local development (`scripts/start` runs `serve --dev`). Used only
 * in development mode: without `--dev`, a server with no token, or with this one,
 * refuses to start (see {@link resolveConfig}).
 */
export const DEV_TOKEN = 'slipway-dev-token';

/** Options of {@link resolveConfig} and {@link loadConfig} that are not configuration keys. */
export interface ResolveOptions {
  /**
   * Development mode (`serve --dev`): without a configured token the public
   * {@link DEV_TOKEN} is used. Default false: a token is required.
   */
  dev?: boolean;
}

/** Environments, in promotion order, when none are configured (the rule set's `dev, staging, prod`). */
export const DEFAULT_ENVIRONMENTS: readonly string[] =
  RULES_DEFAULT_ENVIRONMENTS;

/** Global branch restrictions when none are configured: `prod` only from `main` or `master`. */
export const DEFAULT_GLOBAL_BRANCH_RESTRICTIONS = [
  { environment: 'prod', branchRegex: '^(main|master)$' },
];

/**
 * Database settings, passed to knex. `client: 'better-sqlite3'` with
 * `connection.filename` (default `<dataDir>/release-manager.sqlite`), or
 * `client: 'pg'` with a connection string or knex's object form.
 * @public
 */
export interface DatabaseConfig {
  client: 'better-sqlite3' | 'pg';
  connection: string | Record<string, unknown>;
}

/**
 * The resolved configuration of a release manager. See the package README
 * ("Configuration") for every key, its YAML path and its environment variable.
 * @public
 */
export interface ReleaseManagerConfig {
  /** TCP port; 0 picks a free one. Default 7100. */
  port: number;
  /** Interface to listen on. Default `0.0.0.0`. */
  host: string;
  /** Folder for the local clone, the artifacts, the SQLite file and (by default) the bare config repo. */
  dataDir: string;
  /** Public base URL of this server, used in `artifactUploadUrl`. Default `http://localhost:<port>`. */
  baseUrl?: string;
  auth: {
    /** Bearer token of the hamctl-style API (releases, status, policies, describe). */
    token: string;
    /** Bearer token of the daemon and Flux webhooks. Default: `token`. */
    daemonToken: string;
    /** Bearer token of `POST /artifacts/create` and the upload route. Default: `token`. */
    artifactToken: string;
  };
  /** Environment names (DNS-1123 labels) in promotion order. */
  environments: string[];
  configRepo: {
    /** Remote URL (https, ssh, file path). Default: `<dataDir>/config-repo.git`, created bare if missing. */
    url: string;
    /** Branch to write. Default `main`. */
    branch: string;
    /** Local (bare) clone of the config repo. Default `<dataDir>/config-repo`. */
    workdir: string;
    /** Git committer of release commits (the author is the person releasing). */
    committerName: string;
    committerEmail: string;
    /** Attempts to push after a non-fast-forward rejection. Default 5. */
    pushRetries: number;
    /** Seconds between fetches when idle, to see other writers' commits. Default 10; 0 disables. */
    pollIntervalSeconds: number;
    /** SSH private key file (a deploy key) for ssh URLs. */
    sshKeyPath?: string;
    /**
     * known_hosts file with the SSH server's host key. Host keys are always checked
     * strictly (never accepted on first use); without this file ssh's own known_hosts
     * files must know the host.
     */
    knownHostsPath?: string;
    /** PEM file of the certificate authorities to trust for an https URL (a private CA); default the system's. */
    caFile?: string;
    /** HTTPS user name (e.g. `x-access-token` for a GitHub token). */
    username?: string;
    /** HTTPS password or token. */
    password?: string;
  };
  artifacts: {
    /** `directory` (default) or `s3` (an S3-compatible bucket). */
    type: 'directory' | 's3';
    /** Folder of the directory store. Default `<dataDir>/artifacts`. */
    directory: string;
    /** The bucket, when `type` is `s3`. */
    s3?: S3ArtifactStoreConfig;
  };
  database: DatabaseConfig;
  /** Branch restrictions that apply to every service and that no API call can remove. */
  globalBranchRestrictions: Array<{ environment: string; branchRegex: string }>;
  flux: {
    /** Shared secret of Flux's `generic-hmac` provider; when set, Flux events must carry a valid `X-Signature`. */
    hmacSecret?: string;
  };
  /** Days rollout events and events-feed entries are kept (hourly clean-up). Default 90; 0 keeps everything. */
  retentionDays: number;
  /**
   * Global freeze windows: they freeze their environment for every service, and no API
   * call can remove them. Default none.
   */
  freezeWindows: FreezeWindow[];
  /**
   * Promotion gates per environment name (see {@link DEFAULT_PROMOTION_GATES}): an
   * environment listed gets every gate unless its settings turn one off. Environments
   * not listed have no gates. Default: none (a server that receives no signals keeps
   * Lunar's behaviour); the shipped example config turns them on for `prod`.
   */
  promotionGates: Record<string, PromotionGatesSettings>;
  signals: {
    /** Signals observed longer ago than this many seconds are stale: the health and incident gates fail closed. Default 300. */
    staleAfterSeconds: number;
  };
}

/** The gate settings of an environment listed in `promotionGates` without settings: every gate on, 30 minutes of soak. */
export const DEFAULT_PROMOTION_GATES: PromotionGatesSettings = {
  rolloutReady: true,
  health: true,
  incidents: true,
  soakMinutes: 30,
};

const fileSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    dataDir: z.string().optional(),
    baseUrl: z.string().url().optional(),
    auth: z
      .object({
        token: z.string().min(1).optional(),
        daemonToken: z.string().min(1).optional(),
        artifactToken: z.string().min(1).optional(),
      })
      .optional(),
    environments: z.array(z.string().regex(DNS1123_LABEL)).min(1).optional(),
    configRepo: z
      .object({
        url: z.string().min(1).optional(),
        branch: z.string().min(1).optional(),
        workdir: z.string().optional(),
        committerName: z.string().optional(),
        committerEmail: z.string().optional(),
        pushRetries: z.coerce.number().int().min(0).max(50).optional(),
        pollIntervalSeconds: z.coerce.number().min(0).optional(),
        sshKeyPath: z.string().optional(),
        knownHostsPath: z.string().optional(),
        caFile: z.string().optional(),
        username: z.string().optional(),
        password: z.string().optional(),
      })
      .optional(),
    artifacts: z
      .object({
        type: z.enum(['directory', 's3']).optional(),
        directory: z.string().optional(),
        s3: z
          .object({
            bucket: z.string().min(1),
            prefix: z.string().optional(),
            region: z.string().optional(),
            endpoint: z.string().url().optional(),
            forcePathStyle: z
              .union([
                z.boolean(),
                z.enum(['true', 'false']).transform(v => v === 'true'),
              ])
              .optional(),
            accessKeyId: z.string().optional(),
            secretAccessKey: z.string().optional(),
          })
          .optional(),
      })
      .refine(a => a.type !== 's3' || a.s3?.bucket, {
        message: 'artifacts.s3.bucket is required when artifacts.type is s3',
      })
      .optional(),
    database: z
      .object({
        client: z.enum(['better-sqlite3', 'pg']),
        connection: z.union([z.string(), z.record(z.string(), z.unknown())]),
      })
      .optional(),
    globalBranchRestrictions: z
      .array(
        z.object({
          environment: z.string().regex(DNS1123_LABEL),
          branchRegex: z.string().min(1),
        }),
      )
      .optional(),
    flux: z.object({ hmacSecret: z.string().min(1).optional() }).optional(),
    retentionDays: z.coerce.number().min(0).optional(),
    freezeWindows: z
      .array(
        z
          .object({
            id: z
              .string()
              .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
              .optional(),
            environment: z.string().regex(DNS1123_LABEL),
            reason: z.string(),
            from: z.string().optional(),
            to: z.string().optional(),
            rrule: z.string().optional(),
            timeZone: z.string().optional(),
            durationMinutes: z.coerce.number().optional(),
          })
          .strict(),
      )
      .optional(),
    promotionGates: z
      .record(
        z.string().regex(DNS1123_LABEL),
        z
          .object({
            rolloutReady: z.boolean().optional(),
            health: z.boolean().optional(),
            incidents: z.boolean().optional(),
            soakMinutes: z.coerce.number().int().min(0).max(10080).optional(),
          })
          .strict()
          .nullable(),
      )
      .optional(),
    signals: z
      .object({
        staleAfterSeconds: z.coerce.number().int().min(10).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The YAML file's shape: every key of {@link ReleaseManagerConfig}, all optional. @public */
export type ReleaseManagerConfigInput = z.input<typeof fileSchema>;

/** Parses `RELEASE_MANAGER_GLOBAL_BRANCH_RESTRICTIONS`: `env=regex;env=regex`. */
function parseRestrictions(value: string) {
  return value
    .split(';')
    .map(s => s.trim())
    .filter(Boolean)
    .map(pair => {
      const i = pair.indexOf('=');
      return { environment: pair.slice(0, i), branchRegex: pair.slice(i + 1) };
    });
}

/**
 * Reads the configuration from environment variables layered over an optional
 * YAML file (`RELEASE_MANAGER_CONFIG` or `file`). Environment variables win.
 *
 * @throws Error naming the key when a value is invalid.
 */
export function loadConfig(
  options: {
    file?: string;
    env?: NodeJS.ProcessEnv;
    overrides?: ReleaseManagerConfigInput;
  } & ResolveOptions,
): ReleaseManagerConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.RELEASE_MANAGER_CONFIG;
  let fromFile: unknown = {};
  if (file) {
    fromFile = YAML.parse(fs.readFileSync(file, 'utf8')) ?? {};
  }
  const e = (k: string) =>
    env[k] === undefined || env[k] === '' ? undefined : env[k];
  const fromEnv: Record<string, any> = {
    port: e('RELEASE_MANAGER_PORT'),
    host: e('RELEASE_MANAGER_HOST'),
    dataDir: e('RELEASE_MANAGER_DATA_DIR'),
    baseUrl: e('RELEASE_MANAGER_BASE_URL'),
    auth: {
      token: e('RELEASE_MANAGER_TOKEN'),
      daemonToken: e('RELEASE_MANAGER_DAEMON_TOKEN'),
      artifactToken: e('RELEASE_MANAGER_ARTIFACT_TOKEN'),
    },
    environments: e('RELEASE_MANAGER_ENVIRONMENTS')
      ?.split(',')
      .map(s => s.trim())
      .filter(Boolean),
    configRepo: {
      url: e('RELEASE_MANAGER_CONFIG_REPO_URL'),
      branch: e('RELEASE_MANAGER_CONFIG_REPO_BRANCH'),
      sshKeyPath: e('RELEASE_MANAGER_CONFIG_REPO_SSH_KEY'),
      knownHostsPath: e('RELEASE_MANAGER_CONFIG_REPO_KNOWN_HOSTS'),
      caFile: e('RELEASE_MANAGER_CONFIG_REPO_CA_FILE'),
      username: e('RELEASE_MANAGER_CONFIG_REPO_USERNAME'),
      password: e('RELEASE_MANAGER_CONFIG_REPO_PASSWORD'),
    },
    artifacts: {
      type: e('RELEASE_MANAGER_ARTIFACTS_TYPE'),
      directory: e('RELEASE_MANAGER_ARTIFACTS_DIR'),
      s3: e('RELEASE_MANAGER_ARTIFACTS_S3_BUCKET')
        ? {
            bucket: e('RELEASE_MANAGER_ARTIFACTS_S3_BUCKET'),
            prefix: e('RELEASE_MANAGER_ARTIFACTS_S3_PREFIX'),
            region: e('RELEASE_MANAGER_ARTIFACTS_S3_REGION'),
            endpoint: e('RELEASE_MANAGER_ARTIFACTS_S3_ENDPOINT'),
            forcePathStyle: e('RELEASE_MANAGER_ARTIFACTS_S3_FORCE_PATH_STYLE'),
          }
        : undefined,
    },
    database: e('RELEASE_MANAGER_DATABASE_URL')
      ? databaseFromUrl(e('RELEASE_MANAGER_DATABASE_URL')!)
      : undefined,
    globalBranchRestrictions: e('RELEASE_MANAGER_GLOBAL_BRANCH_RESTRICTIONS')
      ? parseRestrictions(e('RELEASE_MANAGER_GLOBAL_BRANCH_RESTRICTIONS')!)
      : undefined,
    flux: { hmacSecret: e('RELEASE_MANAGER_FLUX_HMAC_SECRET') },
    retentionDays: e('RELEASE_MANAGER_RETENTION_DAYS'),
    signals: {
      staleAfterSeconds: e('RELEASE_MANAGER_SIGNALS_STALE_AFTER_SECONDS'),
    },
  };
  const merged = deepMerge(
    deepMerge(fromFile as any, fromEnv),
    options.overrides ?? {},
  );
  const parsed = fileSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Invalid release manager config at '${issue.path.join('.')}': ${
        issue.message
      }`,
    );
  }
  return resolveConfig(parsed.data, { dev: options.dev });
}

/** Maps `postgres://…` to the `pg` client and anything else to a SQLite file path. */
export function databaseFromUrl(url: string): DatabaseConfig {
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { client: 'pg', connection: url };
  }
  return {
    client: 'better-sqlite3',
    connection: { filename: url.replace(/^sqlite:(\/\/)?/, '') },
  };
}

/**
 * Fills defaults into a partial configuration.
 *
 * @throws Error when no `auth.token` is configured, or it is the public
 *   {@link DEV_TOKEN} (likewise for the daemon and artifact tokens), unless
 *   `options.dev`: an install that forgets its token must not be open.
 */
export function resolveConfig(
  input: ReleaseManagerConfigInput,
  options: ResolveOptions = {},
): ReleaseManagerConfig {
  const dataDir = path.resolve(input.dataDir ?? '.data/release-manager');
  const token = input.auth?.token ?? DEV_TOKEN;
  const environments = input.environments ?? [...DEFAULT_ENVIRONMENTS];
  const global =
    input.globalBranchRestrictions ?? DEFAULT_GLOBAL_BRANCH_RESTRICTIONS;
  for (const r of global) {
    if (!isValidBranchRegex(r.branchRegex)) {
      throw new Error(
        `Invalid release manager config at 'globalBranchRestrictions': ${r.branchRegex} is not a regular expression`,
      );
    }
  }
  if (!options.dev) {
    if (!input.auth?.token) {
      throw new Error(
        "No release manager token configured: set RELEASE_MANAGER_TOKEN (or auth.token in the config file), or start with '--dev' for local development",
      );
    }
    for (const key of ['token', 'daemonToken', 'artifactToken'] as const) {
      if (input.auth?.[key] === DEV_TOKEN) {
        throw new Error(
          `auth.${key} is the public development token '${DEV_TOKEN}': configure a secret token, or start with '--dev' for local development`,
        );
      }
    }
  }
  return {
    port: Number(input.port ?? 7100),
    host: input.host ?? '0.0.0.0',
    dataDir,
    baseUrl: input.baseUrl,
    auth: {
      token,
      daemonToken: input.auth?.daemonToken ?? token,
      artifactToken: input.auth?.artifactToken ?? token,
    },
    environments,
    configRepo: {
      url: input.configRepo?.url ?? path.join(dataDir, 'config-repo.git'),
      branch: input.configRepo?.branch ?? 'main',
      workdir: path.resolve(
        input.configRepo?.workdir ?? path.join(dataDir, 'config-repo'),
      ),
      committerName:
        input.configRepo?.committerName ?? 'Slipway Release Manager',
      committerEmail:
        input.configRepo?.committerEmail ?? 'release-manager@slipway.local',
      pushRetries: Number(input.configRepo?.pushRetries ?? 5),
      pollIntervalSeconds: Number(input.configRepo?.pollIntervalSeconds ?? 10),
      sshKeyPath: input.configRepo?.sshKeyPath,
      knownHostsPath: input.configRepo?.knownHostsPath,
      caFile: input.configRepo?.caFile,
      username: input.configRepo?.username,
      password: input.configRepo?.password,
    },
    artifacts: {
      type: input.artifacts?.type ?? 'directory',
      directory: path.resolve(
        input.artifacts?.directory ?? path.join(dataDir, 'artifacts'),
      ),
      s3: input.artifacts?.s3 as S3ArtifactStoreConfig | undefined,
    },
    database: (input.database as DatabaseConfig | undefined) ?? {
      client: 'better-sqlite3',
      connection: { filename: path.join(dataDir, 'release-manager.sqlite') },
    },
    globalBranchRestrictions: global,
    flux: { hmacSecret: input.flux?.hmacSecret },
    retentionDays: Number(input.retentionDays ?? 90),
    freezeWindows: resolveFreezeWindows(input.freezeWindows ?? []),
    promotionGates: Object.fromEntries(
      Object.entries(input.promotionGates ?? {}).map(([env, g]) => [
        env,
        {
          rolloutReady: g?.rolloutReady ?? DEFAULT_PROMOTION_GATES.rolloutReady,
          health: g?.health ?? DEFAULT_PROMOTION_GATES.health,
          incidents: g?.incidents ?? DEFAULT_PROMOTION_GATES.incidents,
          soakMinutes: Number(
            g?.soakMinutes ?? DEFAULT_PROMOTION_GATES.soakMinutes,
          ),
        },
      ]),
    ),
    signals: {
      staleAfterSeconds: Number(input.signals?.staleAfterSeconds ?? 300),
    },
  };
}

/** Validates the global freeze windows and gives each an id (`global-freeze-<n>` unless configured). */
function resolveFreezeWindows(
  windows: NonNullable<ReleaseManagerConfigInput['freezeWindows']>,
): FreezeWindow[] {
  return windows.map((w, i) => {
    let spec;
    try {
      spec = validateFreezeSpec(
        {
          ...w,
          durationMinutes:
            w.durationMinutes === undefined
              ? undefined
              : Number(w.durationMinutes),
        },
        `freezeWindows[${i}].`,
      );
    } catch (error) {
      throw new Error(
        `Invalid release manager config at 'freezeWindows[${i}]': ${
          (error as Error).message
        }`,
      );
    }
    return { ...spec, id: w.id ?? `global-freeze-${i + 1}`, global: true };
  });
}

function deepMerge(a: any, b: any): any {
  if (b === undefined) return a;
  if (a === undefined || a === null) return stripUndefined(b);
  if (typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) {
    return b;
  }
  const out: any = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    out[k] = deepMerge(a[k], v);
  }
  return out;
}

function stripUndefined(v: any): any {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const out: any = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) out[k] = stripUndefined(x);
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v;
}
