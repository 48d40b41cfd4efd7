import { ConfigRepo } from '../../git/ConfigRepo';
import { GatesResponse, IntentType } from '../../http/types';
import { FreezeService } from '../freeze/FreezeService';
import { ReleaseResolver } from '../releases/resolve';
import { ResolvedRelease } from '../releases/types';
import { SignalService } from '../signals/SignalService';
import { GateService } from './GateService';
import { headContext } from './headContext';

/** A prospective release to evaluate (`GET /gates`): known service, configured environment. */
export interface PreflightInput {
  service: string;
  environment: string;
  intent: IntentType;
  artifactId?: string;
  /** ReleaseBranch: the branch whose newest artifact would go out. */
  branch?: string;
}

/** What {@link preflight} needs. */
export interface PreflightDeps {
  repo: ConfigRepo;
  resolver: ReleaseResolver;
  gates: GateService;
  freezes: FreezeService;
  signals: SignalService;
}

/**
 * Evaluates a prospective release without releasing (`GET /gates`): resolves the
 * artifact the release would take (as the release would, at the config repo's head),
 * then every promotion gate and the freeze state. A release that cannot be resolved
 * (nothing runs in the source environment, unknown artifact) is reported in
 * `message`, with the gates that do not depend on the artifact still evaluated.
 */
export async function preflight(
  deps: PreflightDeps,
  input: PreflightInput,
): Promise<GatesResponse> {
  const { service, environment, intent } = input;
  const ctx = headContext(deps.repo);
  const req = {
    service,
    environment,
    artifactId: input.artifactId,
    intent: {
      type: intent,
      ...(intent === 'ReleaseBranch'
        ? { releaseBranch: { branch: input.branch } }
        : {}),
    },
    actor: { name: 'preflight', email: 'preflight@slipway.local' },
  };
  let resolved: ResolvedRelease | undefined;
  let message: string | undefined;
  try {
    const prefetched = await deps.resolver.prefetch(req);
    resolved = await deps.resolver.resolve(req, prefetched, ctx);
  } catch (error) {
    const e = error as Error;
    if (e?.name !== 'InputError' && e?.name !== 'NotFoundError') throw e;
    message = e.message;
  }
  const fromEnvironment =
    resolved?.fromEnvironment ?? deps.gates.sourceOf({ environment });
  const gates = await deps.gates.evaluate(
    {
      service,
      environment,
      intent,
      artifactId: resolved?.spec.id ?? input.artifactId ?? '(none)',
      fromEnvironment,
    },
    ctx,
  );
  const freeze =
    intent === 'Rollback'
      ? undefined
      : await deps.freezes.verdict(
          service,
          environment,
          await deps.signals.get(service),
          ctx,
        );
  if (!message && resolved?.current?.id === resolved?.spec.id && resolved) {
    message = `${resolved.spec.id} already runs in ${environment}: releasing it changes nothing`;
  }
  return {
    service,
    environment,
    intent,
    ...(resolved ? { artifactId: resolved.spec.id } : {}),
    ...(fromEnvironment ? { fromEnvironment } : {}),
    settings: deps.gates.settings(environment),
    gates,
    ...(freeze ? { freeze } : {}),
    allowed: !!resolved && !freeze && !gates.some(g => g.outcome === 'failed'),
    ...(message ? { message } : {}),
  };
}
