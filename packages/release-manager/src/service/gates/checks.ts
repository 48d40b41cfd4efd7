import { ConflictError } from '@backstage/errors';
import { FreezeService } from '../freeze/FreezeService';
import { ReleaseCheck, ResolvedRelease } from '../releases/types';
import { SignalService } from '../signals/SignalService';
import { GateService } from './GateService';
import { overrideTrailers } from './overrides';

/** Records an override on the resolved release: its safety and the commit trailers. */
function override(
  release: ResolvedRelease,
  safety: NonNullable<ResolvedRelease['safety']>,
) {
  release.safety = { ...release.safety, ...safety };
  release.request = {
    ...release.request,
    trailers: {
      ...release.request.trailers,
      ...overrideTrailers(release.safety),
    },
  };
}

/**
 * The freeze check: refuses (409 `ConflictError`, "prod is frozen until <time>
 * (<reason>; freeze window '<id>')") a release of any intent but Rollback into a
 * frozen environment, unless the request breaks glass with a reason; then the
 * broken freeze is recorded (trailers, events).
 */
export function freezeCheck(
  freezes: FreezeService,
  signals: SignalService,
): ReleaseCheck {
  return async (release, ctx) => {
    const { service, environment, intent, breakGlass } = release.request;
    if (intent.type === 'Rollback') return;
    const verdict = await freezes.verdict(
      service,
      environment,
      await signals.get(service),
      ctx,
    );
    if (!verdict) return;
    if (!breakGlass) {
      throw new ConflictError(
        `${verdict.message}: cannot release ${release.spec.id} of ${service}; rollbacks are allowed, and an owner may break glass with a reason`,
      );
    }
    override(release, {
      brokeFreeze: verdict,
      breakGlassReason: breakGlass.reason,
    });
  };
}

/**
 * The promotion gates check: refuses (409 `ConflictError`, naming every failing gate)
 * a release into an environment with gates when one fails, unless the request
 * overrides the gates with a reason; then the overridden gates are recorded.
 */
export function gatesCheck(gates: GateService): ReleaseCheck {
  return async (release, ctx) => {
    const { service, environment, intent, overrideGates } = release.request;
    if (intent.type === 'Rollback') return;
    const results = await gates.evaluate(
      {
        service,
        environment,
        intent: intent.type,
        artifactId: release.spec.id,
        fromEnvironment: release.fromEnvironment,
      },
      ctx,
    );
    const failed = results.filter(r => r.outcome === 'failed');
    if (!failed.length) return;
    if (!overrideGates) {
      throw new ConflictError(
        `cannot release ${
          release.spec.id
        } of ${service} to ${environment}: promotion gate${
          failed.length > 1 ? 's' : ''
        } failed: ${failed
          .map(g => `${g.name} (${g.id}): ${g.message}`)
          .join('; ')}`,
      );
    }
    override(release, {
      overriddenGates: failed,
      gateOverrideReason: overrideGates.reason,
    });
  };
}
