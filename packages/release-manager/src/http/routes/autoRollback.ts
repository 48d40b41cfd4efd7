import { InputError } from '@backstage/errors';
import { Request, RequestHandler, Router } from 'express';
import { ReleaseManager } from '../../service/ReleaseManager';
import { dns, parse } from '../schemas';
import {
  ApplyAutoRollbackPolicyResponse,
  DeletePolicyResponse,
  ListAutoRollbacksResponse,
  ResumeAutoReleaseResponse,
} from '../types';
import {
  applyAutoRollbackSchema,
  serviceEnvironmentSchema,
} from './autoRollbackSchemas';

/** Options of {@link registerAutoRollbackRoutes}. */
export interface AutoRollbackRoutesOptions {
  manager: ReleaseManager;
  /** Authentication of the routes (the API bearer token). */
  auth: RequestHandler;
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
 * Registers the automatic rollback routes (Slipway extension) on `router`:
 *
 * - `PATCH /policies/auto-rollback` (201): set or replace a service's policy in an
 *   environment ({@link ApplyAutoRollbackPolicyRequest});
 * - `DELETE /policies/auto-rollback`: remove it (404 when none);
 * - `POST /auto-release/resume`: lift the pause of auto-release an automatic rollback set;
 * - `GET /auto-rollbacks?service=&environment=`: the automatic rollbacks, newest first.
 *
 * Bad input is a 400 naming the field; unknown services and environments are 404.
 */
export function registerAutoRollbackRoutes(
  router: Router,
  options: AutoRollbackRoutesOptions,
): void {
  const { manager, auth, json } = options;
  const { directory } = manager;
  const actor = (b: { committerName: string; committerEmail: string }) => ({
    name: b.committerName,
    email: b.committerEmail,
  });

  router.patch('/policies/auto-rollback', auth, json, async (req, res) => {
    const body = parse(applyAutoRollbackSchema, req.body);
    const service = await directory.requireService(body.service);
    const environment = directory.requireEnvironment(body.environment);
    const policy = await manager.autoRollbackPolicies.apply({
      service,
      environment,
      onRolloutFailure: body.onRolloutFailure ?? false,
      notReadyWithinMinutes: body.notReadyWithinMinutes,
      healthRedWithinMinutes: body.healthRedWithinMinutes,
      actor: actor(body),
    });
    const out: ApplyAutoRollbackPolicyResponse = { ...policy, service };
    res.status(201).json(out);
  });

  router.delete('/policies/auto-rollback', auth, json, async (req, res) => {
    const body = parse(serviceEnvironmentSchema, req.body);
    const service = await directory.requireService(body.service);
    const environment = directory.requireEnvironment(body.environment);
    const count = await manager.autoRollbackPolicies.delete({
      service,
      environment,
      actor: actor(body),
    });
    const out: DeletePolicyResponse = { service, count };
    res.json(out);
  });

  router.post('/auto-release/resume', auth, json, async (req, res) => {
    const body = parse(serviceEnvironmentSchema, req.body);
    const service = await directory.requireService(body.service);
    const environment = directory.requireEnvironment(body.environment);
    const resumed = await manager.autoReleasePauses.resume(
      service,
      environment,
      actor(body),
      'resumed through the API',
    );
    const out: ResumeAutoReleaseResponse = { service, environment, resumed };
    res.json(out);
  });

  router.get('/auto-rollbacks', auth, async (req, res) => {
    const service = await directory.requireService(
      parse(dns('service'), one(req, 'service'), 'query'),
    );
    const env = one(req, 'environment');
    const environment = env
      ? directory.requireEnvironment(parse(dns('environment'), env, 'query'))
      : undefined;
    const out: ListAutoRollbacksResponse = {
      service,
      autoRollbacks: await manager.autoRollback.list(service, environment),
    };
    res.json(out);
  });
}
