import crypto from 'node:crypto';
import express, { NextFunction, Request, Response } from 'express';
import Router from 'express-promise-router';
import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { ReleaseManager } from '../service/ReleaseManager';
import { registerAutoRollbackRoutes } from './routes/autoRollback';
import { registerInsightsRoutes } from './routes/insights';
import { registerSafeDeliveryRoutes } from './routes/safeDelivery';
import {
  artifactIdSchema,
  artifactUploadSchema,
  autoReleaseSchema,
  countSchema,
  dns,
  eventsQuerySchema,
  branchRestrictionSchema,
  deletePoliciesSchema,
  fluxEventSchema,
  jobErrorSchema,
  normalizeLogs,
  parse,
  parseUploadedManifests,
  podErrorSchema,
  promoteRequestSchema,
  releaseEventSchema,
  releaseRequestSchema,
  rollbackRequestSchema,
} from './schemas';
import {
  ArtifactSpec,
  ErrorResponse,
  FluxEvent,
  HealthResponse,
  Intent,
  JobErrorEvent,
  ListServicesResponse,
  PodErrorEvent,
  ReleaseEvent,
  ReleaseResponse,
} from './types';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  manager: ReleaseManager;
  /** Public base URL (for upload URLs); defaults to the request's host. */
  baseUrl?: string;
  logger?: { info(msg: string): void; error(msg: string): void };
}

function bearer(token: string) {
  const expected = Buffer.from(token);
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.header('authorization') ?? '';
    const given = Buffer.from(header.replace(/^Bearer\s+/i, '').trim());
    if (
      given.length !== expected.length ||
      !crypto.timingSafeEqual(given, expected)
    ) {
      next(
        new AuthenticationError('please provide a valid authentication token'),
      );
      return;
    }
    next();
  };
}

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw new InputError(`query parameter ${name} must be given once`);
  return v;
}

function required(req: Request, name: string): string {
  const v = query(req, name);
  if (!v) throw new InputError(`query parameter ${name} is required`);
  return v;
}

const STATUS_BY_NAME: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  ServiceUnavailableError: 503,
};

/**
 * The release manager's HTTP API as an express router: Lunar's routes
 * (`/release`, `/status`, `/policies…`, `/describe/…`, `/artifacts/create`,
 * `/webhook/daemon/k8s/…`) plus Slipway's (`/rollback`, `/promote`,
 * `/rollout/{service}`, `/events`, `/services`, `/webhook/flux/{env}`,
 * `/artifacts/upload/…`, `/metrics`, `/healthz`). Errors are
 * `{status, message}` JSON with the matching HTTP status.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { manager } = options;
  const { auth } = manager.config;
  const router = Router();
  const hamctl = bearer(auth.token);
  const daemon = bearer(auth.daemonToken);
  const artifact = bearer(auth.artifactToken);
  const json = express.json({ limit: '20mb' });

  router.use((req, res, next) => {
    const started = Date.now();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      manager.metrics.httpRequests.inc({
        route,
        method: req.method,
        status: String(res.statusCode),
      });
      manager.metrics.httpDuration.observe(
        { route, method: req.method },
        (Date.now() - started) / 1000,
      );
      // An access log of writes and failures (reads are many and in the metrics).
      if (req.method !== 'GET' || res.statusCode >= 400) {
        options.logger?.info(
          `${req.method} ${req.path} ${res.statusCode} ${
            Date.now() - started
          }ms`,
        );
      }
    });
    next();
  });

  router.get('/healthz', async (_req, res) => {
    const body: HealthResponse = { status: 'ok', head: manager.repo.head };
    res.json(body);
  });
  router.get('/ping', (_req, res) => {
    res.type('text/plain').send('pong');
  });
  router.get('/metrics', async (_req, res) => {
    res
      .type(manager.metrics.registry.contentType)
      .send(await manager.metrics.registry.metrics());
  });

  const { directory } = manager;
  /** A service name from the request: a DNS-1123 label (400) of a known service (404). */
  const knownService = async (value: unknown, where = 'request body') =>
    directory.requireService(parse(dns('service'), value, where));
  /** An environment name from the request: a DNS-1123 label (400), configured (404). */
  const knownEnvironment = (value: unknown, where = 'request body') =>
    directory.requireEnvironment(parse(dns('environment'), value, where));
  const actor = (body: { committerName: string; committerEmail: string }) => ({
    name: body.committerName,
    email: body.committerEmail,
  });

  // Releases
  router.post('/release', hamctl, json, async (req, res) => {
    const body = parse(releaseRequestSchema, req.body);
    const service = await knownService(body.service);
    const environment = knownEnvironment(body.environment);
    const r = await manager.releases.release({
      service,
      environment,
      artifactId: body.artifactId,
      intent: (body.intent as Intent | undefined) ?? {
        type: 'ReleaseArtifact',
      },
      actor: actor(body),
    });
    const out: ReleaseResponse = {
      service,
      releaseId: r.artifactId,
      status: r.status,
      toEnvironment: environment,
      tag: r.artifactId,
      commit: r.commit,
    };
    res.json(out);
  });
  router.post('/rollback', hamctl, json, async (req, res) => {
    const body = parse(rollbackRequestSchema, req.body);
    res.json(
      await manager.releases.rollback({
        service: await knownService(body.service),
        environment: knownEnvironment(body.environment),
        artifactId: body.artifactId,
        actor: actor(body),
      }),
    );
  });
  router.post('/promote', hamctl, json, async (req, res) => {
    const body = parse(promoteRequestSchema, req.body);
    res.json(
      await manager.releases.promote({
        service: await knownService(body.service),
        environment: knownEnvironment(body.environment),
        actor: actor(body),
      }),
    );
  });

  // Status
  router.get('/status', hamctl, async (req, res) => {
    const service = await knownService(required(req, 'service'), 'query');
    res.json(await manager.status.status(service));
  });
  router.get('/rollout/:service', hamctl, async (req, res) => {
    const service = await knownService(req.params.service, 'path');
    res.json(await manager.status.rollout(service));
  });
  router.get('/services', hamctl, async (_req, res) => {
    const body: ListServicesResponse = {
      services: await directory.services(),
      environments: directory.environments,
    };
    res.json(body);
  });
  router.get('/events', hamctl, async (req, res) => {
    const q = parse(
      eventsQuerySchema,
      {
        since: query(req, 'since'),
        service: query(req, 'service'),
        environment: query(req, 'environment'),
        limit: query(req, 'limit'),
      },
      'query',
    );
    if (q.environment) directory.requireEnvironment(q.environment);
    res.json(await manager.events.list(q));
  });

  // Delivery insights: feed, drift, DORA
  registerInsightsRoutes(router, {
    insights: manager.insights,
    auth: hamctl,
    json,
  });

  // Safe delivery: signals, freeze windows, promotion gates, break glass
  registerSafeDeliveryRoutes(router, {
    manager,
    auth: hamctl,
    webhookAuth: (req, res, next) =>
      hamctl(req, res, err => (err ? daemon(req, res, next) : next())),
    json,
  });

  // Policies
  router.get('/policies', hamctl, async (req, res) => {
    const service = await knownService(required(req, 'service'), 'query');
    res.json(await manager.policies.list(service));
  });
  router.patch('/policies/auto-release', hamctl, json, async (req, res) => {
    const body = parse(autoReleaseSchema, req.body);
    res.status(201).json(
      await manager.policies.applyAutoRelease({
        service: await knownService(body.service),
        environment: knownEnvironment(body.environment),
        branch: body.branch,
        actor: actor(body),
      }),
    );
  });
  router.patch(
    '/policies/branch-restriction',
    hamctl,
    json,
    async (req, res) => {
      const body = parse(branchRestrictionSchema, req.body);
      res.status(201).json(
        await manager.policies.applyBranchRestriction({
          service: await knownService(body.service),
          environment: knownEnvironment(body.environment),
          branchRegex: body.branchRegex,
          actor: actor(body),
        }),
      );
    },
  );
  router.delete('/policies', hamctl, json, async (req, res) => {
    const body = parse(deletePoliciesSchema, req.body);
    res.json(
      await manager.policies.delete({
        service: await knownService(body.service),
        policyIds: body.policyIds,
        actor: actor(body),
      }),
    );
  });

  // Automatic rollback and pausing auto-release (Slipway)
  registerAutoRollbackRoutes(router, { manager, auth: hamctl, json });

  // Describe
  router.get(
    '/describe/release/:service/:environment',
    hamctl,
    async (req, res) => {
      const service = await knownService(req.params.service, 'path');
      const environment = knownEnvironment(req.params.environment, 'path');
      const n = parse(countSchema('count', 1), query(req, 'count'), 'query');
      res.json(await manager.status.describeRelease(service, environment, n));
    },
  );
  router.get('/describe/artifact/:service', hamctl, async (req, res) => {
    const service = await knownService(req.params.service, 'path');
    const n = parse(countSchema('count', 1), query(req, 'count'), 'query');
    res.json(
      await manager.artifacts.describe(
        service,
        n,
        query(req, 'branch') || undefined,
      ),
    );
  });
  router.get('/describe/latest-artifact/:service', hamctl, async (req, res) => {
    const service = await knownService(req.params.service, 'path');
    res.json(await manager.artifacts.latest(service, required(req, 'branch')));
  });

  // Artifacts
  router.post('/artifacts/create', artifact, json, async (req, res) => {
    const body = parse(artifactUploadSchema, req.body);
    const base =
      options.baseUrl ??
      manager.config.baseUrl ??
      `${req.protocol}://${req.get('host')}`;
    res
      .status(201)
      .json(
        await manager.artifacts.create(
          body.artifact as ArtifactSpec,
          body.manifests,
          body.md5,
          base,
        ),
      );
  });
  router.put(
    '/artifacts/upload/:service/:artifactId',
    artifact,
    express.raw({ type: () => true, limit: '20mb' }),
    async (req, res) => {
      const service = parse(dns('service'), req.params.service, 'path');
      const id = parse(artifactIdSchema, req.params.artifactId, 'path');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const manifests = parseUploadedManifests(body, query(req, 'md5'));
      res
        .status(201)
        .json(await manager.artifacts.upload(service, id, manifests));
    },
  );

  // Daemon webhooks (the environment in the body must be a configured one)
  router.post('/webhook/daemon/k8s/deploy', daemon, json, async (req, res) => {
    const ev = parse(releaseEventSchema, req.body) as ReleaseEvent;
    directory.requireEnvironment(ev.environment);
    await manager.rollouts.deploy(ev);
    res.json({});
  });
  router.post('/webhook/daemon/k8s/error', daemon, json, async (req, res) => {
    const ev = parse(podErrorSchema, req.body);
    directory.requireEnvironment(ev.environment);
    ev.errors = ev.errors.map((e: any) => ({
      ...e,
      logs: normalizeLogs(e.logs),
    }));
    await manager.rollouts.podError(ev as PodErrorEvent);
    res.json({});
  });
  router.post(
    '/webhook/daemon/k8s/joberror',
    daemon,
    json,
    async (req, res) => {
      const ev = parse(jobErrorSchema, req.body) as JobErrorEvent;
      directory.requireEnvironment(ev.environment);
      await manager.rollouts.jobError(ev);
      res.json({});
    },
  );

  // Flux notification-controller: `generic` (bearer token via the provider's
  // headers secret) or `generic-hmac` (X-Signature: <hash>=<hex HMAC of body>).
  router.post(
    '/webhook/flux/:environment',
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      const raw: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      const secret = manager.config.flux.hmacSecret;
      const signature = req.header('x-signature');
      if (secret) {
        if (!signature || !verifyFluxSignature(secret, raw, signature)) {
          throw new AuthenticationError(
            'invalid or missing X-Signature for the Flux webhook',
          );
        }
      } else {
        await new Promise<void>((resolve, reject) =>
          daemon(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new InputError('invalid request body: not JSON');
      }
      const environment = knownEnvironment(req.params.environment, 'path');
      await manager.rollouts.flux(
        environment,
        parse(fluxEventSchema, body) as FluxEvent,
      );
      res.json({});
    },
  );

  return router;
}

/**
 * Renders errors as Lunar's `{status, message}` JSON: `InputError` 400,
 * `AuthenticationError` 401, `NotAllowedError` 403, `NotFoundError` 404,
 * `ServiceUnavailableError` 503, malformed JSON 400; anything else 500.
 * (A standalone service, not a Backstage plugin router, so it renders its own errors.)
 */
export function errorHandler(logger?: RouterOptions['logger']) {
  return (err: any, _req: Request, res: Response, _next: NextFunction) => {
    let status = STATUS_BY_NAME[err?.name] ?? 500;
    let message = String(err?.message ?? err);
    if (err?.type === 'entity.parse.failed') {
      status = 400;
      message = `invalid request body: malformed JSON (${err.message})`;
    } else if (err?.type === 'entity.too.large') {
      status = 413;
      message = 'request body too large';
    } else if (status === 500) {
      logger?.error(`unexpected error: ${err?.stack ?? err}`);
      message = `internal error: ${message}`;
    }
    const body: ErrorResponse = { status, message };
    res.status(status).json(body);
  };
}

/** Answers unknown routes with a 404 `{status, message}`. */
export function notFoundHandler() {
  return (req: Request, _res: Response, next: NextFunction) =>
    next(new NotFoundError(`no route ${req.method} ${req.path}`));
}

/** Verifies Flux's `X-Signature: <sha1|sha256|sha384|sha512>=<hex HMAC of the body>`. */
export function verifyFluxSignature(
  secret: string,
  body: Buffer,
  header: string,
): boolean {
  const m = /^(sha1|sha256|sha384|sha512)=([0-9a-f]+)$/i.exec(header.trim());
  if (!m) return false;
  const expected = crypto
    .createHmac(m[1].toLowerCase(), secret)
    .update(body)
    .digest();
  const given = Buffer.from(m[2], 'hex');
  return (
    given.length === expected.length && crypto.timingSafeEqual(given, expected)
  );
}
