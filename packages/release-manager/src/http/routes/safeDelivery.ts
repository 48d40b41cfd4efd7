import { InputError } from '@backstage/errors';
import { Request, RequestHandler, Router } from 'express';
import { FreezeWindowSpec, Intent, SafeReleaseResponse } from '../types';
import { dns, parse } from '../schemas';
import { ReleaseManager } from '../../service/ReleaseManager';
import { validateFreezeSpec } from '../../service/freeze/schedule';
import { preflight } from '../../service/gates/preflight';
import { ReleaseResolver } from '../../service/releases/resolve';
import {
  addFreezeSchema,
  deleteFreezeSchema,
  gatesQuerySchema,
  incidentPolicySchema,
  safeReleaseSchema,
  signalsSchema,
} from './safeDeliverySchemas';

/** Options of {@link registerSafeDeliveryRoutes}. */
export interface SafeDeliveryRoutesOptions {
  manager: ReleaseManager;
  /** Authentication of the API routes (the API bearer token). */
  auth: RequestHandler;
  /** Authentication of `PUT /webhook/signals/{service}`: the API or the daemon token. */
  webhookAuth: RequestHandler;
  /** JSON body parser. */
  json: RequestHandler;
}

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string')
    throw new InputError(`query parameter ${name} must be given once`);
  return v;
}

/**
 * Registers the safe-delivery routes (Slipway extensions beside Lunar's, which keep
 * their behaviour) on `router`:
 *
 * - `PUT /webhook/signals/{service}` ({@link ServiceSignalsRequest}): the portal's
 *   health light and open incidents of a service; `GET /signals/{service}`;
 * - `GET /freezes?service=&environment=`, `POST /freezes`, `DELETE /freezes`,
 *   `PUT /freezes/incident-policy`: freeze windows and the incident freeze;
 * - `GET /gates?service=&environment=&intent=&artifactId=&branch=`: every promotion
 *   gate's result and the freeze state of a prospective release, without releasing;
 * - `POST /releases` ({@link SafeReleaseRequest}): a release that may break glass or
 *   override gates.
 *
 * A release refused by a freeze or a gate is a 409 whose message names the window,
 * gate or policy. Bad input is a 400 naming the field.
 */
export function registerSafeDeliveryRoutes(
  router: Router,
  options: SafeDeliveryRoutesOptions,
): void {
  const { manager, auth, webhookAuth, json } = options;
  const { directory } = manager;
  const knownService = async (value: unknown, where = 'request body') =>
    directory.requireService(parse(dns('service'), value, where));
  const knownEnvironment = (value: unknown, where = 'request body') =>
    directory.requireEnvironment(parse(dns('environment'), value, where));
  const resolver = new ReleaseResolver(
    manager.repo,
    manager.store,
    () => manager.environments,
  );

  // Signals (the service need not have artifacts yet).
  router.put(
    '/webhook/signals/:service',
    webhookAuth,
    json,
    async (req, res) => {
      const service = parse(dns('service'), req.params.service, 'path');
      const body = parse(signalsSchema, req.body);
      for (const env of Object.keys(body.environments ?? {})) {
        directory.requireEnvironment(env, 'environments');
      }
      res.json(await manager.signals.put(service, body));
    },
  );
  router.get('/signals/:service', auth, async (req, res) => {
    const service = parse(dns('service'), req.params.service, 'path');
    const signals = await manager.signals.get(service);
    if (!signals) {
      res.status(404).json({
        status: 404,
        message: `no signals received for service '${service}'`,
      });
      return;
    }
    res.json(signals);
  });

  // Freeze windows.
  router.get('/freezes', auth, async (req, res) => {
    const service = await knownService(one(req, 'service'), 'query');
    const env = one(req, 'environment');
    res.json(
      await manager.freezes.list(
        service,
        env ? knownEnvironment(env, 'query') : undefined,
      ),
    );
  });
  router.post('/freezes', auth, json, async (req, res) => {
    const body = parse(addFreezeSchema, req.body);
    const service = await knownService(body.service);
    const environment = knownEnvironment(body.environment);
    const { committerName, committerEmail, ...rest } = body;
    const spec = validateFreezeSpec<FreezeWindowSpec>({ ...rest, environment });
    res.status(201).json(
      await manager.freezes.add({
        ...spec,
        service,
        actor: { name: committerName, email: committerEmail },
      }),
    );
  });
  router.delete('/freezes', auth, json, async (req, res) => {
    const body = parse(deleteFreezeSchema, req.body);
    res.json(
      await manager.freezes.remove({
        service: await knownService(body.service),
        id: body.id,
        actor: { name: body.committerName, email: body.committerEmail },
      }),
    );
  });
  router.put('/freezes/incident-policy', auth, json, async (req, res) => {
    const body = parse(incidentPolicySchema, req.body);
    res.json(
      await manager.freezes.setIncidentPolicy({
        service: await knownService(body.service),
        environment: knownEnvironment(body.environment ?? 'prod'),
        enabled: body.enabled,
        actor: { name: body.committerName, email: body.committerEmail },
      }),
    );
  });

  // Promotion gates of a prospective release.
  router.get('/gates', auth, async (req, res) => {
    const q = parse(
      gatesQuerySchema,
      {
        service: one(req, 'service'),
        environment: one(req, 'environment'),
        intent: one(req, 'intent'),
        artifactId: one(req, 'artifactId'),
        branch: one(req, 'branch'),
      },
      'query',
    );
    res.json(
      await preflight(
        {
          repo: manager.repo,
          resolver,
          gates: manager.gates,
          freezes: manager.freezes,
          signals: manager.signals,
        },
        {
          service: await knownService(q.service, 'query'),
          environment: knownEnvironment(q.environment, 'query'),
          intent: q.intent,
          artifactId: q.artifactId,
          branch: q.branch,
        },
      ),
    );
  });

  // A release that may break glass or override gates.
  router.post('/releases', auth, json, async (req, res) => {
    const body = parse(safeReleaseSchema, req.body);
    const service = await knownService(body.service);
    const environment = knownEnvironment(body.environment);
    const r = await manager.releases.release({
      service,
      environment,
      artifactId: body.artifactId,
      intent: (body.intent as Intent | undefined) ?? {
        type: 'ReleaseArtifact',
      },
      actor: { name: body.committerName, email: body.committerEmail },
      breakGlass: body.breakGlass,
      overrideGates: body.overrideGates,
    });
    const out: SafeReleaseResponse = {
      service,
      releaseId: r.artifactId,
      status: r.status,
      toEnvironment: environment,
      tag: r.artifactId,
      ...(r.commit ? { commit: r.commit } : {}),
      ...(r.safety?.brokeFreeze ? { brokeFreeze: r.safety.brokeFreeze } : {}),
      ...(r.safety?.overriddenGates
        ? { overriddenGates: r.safety.overriddenGates }
        : {}),
    };
    res.json(out);
  });
}
