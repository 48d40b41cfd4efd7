import { EventFeed } from '../EventFeed';
import { ReleaseRequest, ReleaseSafety } from '../releases/types';

/** Commit trailer of a release that broke glass: the owner's reason. */
export const BREAK_GLASS_TRAILER = 'Slipway-Break-Glass';
/** Commit trailer naming the freeze a break-glass release broke (window id, or `incident:<id>`). */
export const BROKEN_FREEZE_TRAILER = 'Slipway-Broken-Freeze';
/** Commit trailer of a release that overrode failing gates: the owner's reason. */
export const GATE_OVERRIDE_TRAILER = 'Slipway-Gate-Override';
/** Commit trailer listing the gates overridden, e.g. `soak, health`. */
export const OVERRIDDEN_GATES_TRAILER = 'Slipway-Overridden-Gates';

/** The commit trailers that record what a release overrode. */
export function overrideTrailers(
  safety: ReleaseSafety,
): Record<string, string> {
  const t: Record<string, string> = {};
  if (safety.brokeFreeze && safety.breakGlassReason) {
    t[BREAK_GLASS_TRAILER] = safety.breakGlassReason;
    const f = safety.brokeFreeze;
    t[BROKEN_FREEZE_TRAILER] =
      f.kind === 'window' ? f.window!.id : `incident:${f.incident!.id}`;
  }
  if (safety.overriddenGates?.length && safety.gateOverrideReason) {
    t[GATE_OVERRIDE_TRAILER] = safety.gateOverrideReason;
    t[OVERRIDDEN_GATES_TRAILER] = safety.overriddenGates
      .map(g => g.id)
      .join(', ');
  }
  return t;
}

/**
 * Tells a committed release's overrides in the events feed: a `break-glass` event
 * (the freeze and the reason) and a `gate-override` event (the gates and the reason).
 */
export async function recordOverrides(
  events: EventFeed,
  req: ReleaseRequest,
  artifactId: string,
  commit: string,
  safety: ReleaseSafety | undefined,
): Promise<void> {
  if (!safety) return;
  const { service, environment, actor } = req;
  const base = {
    service,
    environment,
    artifactId,
    actorName: actor.name,
    actorEmail: actor.email,
  };
  if (safety.brokeFreeze && safety.breakGlassReason) {
    await events.record({
      ...base,
      type: 'break-glass',
      message: `${actor.name} broke glass to release ${service} ${artifactId} to ${environment}: ${safety.breakGlassReason} (${safety.brokeFreeze.message})`,
      data: {
        reason: safety.breakGlassReason,
        freeze: safety.brokeFreeze,
        commit,
        intent: req.intent.type,
      },
    });
  }
  if (safety.overriddenGates?.length && safety.gateOverrideReason) {
    await events.record({
      ...base,
      type: 'gate-override',
      message: `${actor.name} overrode the gates ${safety.overriddenGates
        .map(g => g.name)
        .join(', ')} to release ${service} ${artifactId} to ${environment}: ${
        safety.gateOverrideReason
      }`,
      data: {
        reason: safety.gateOverrideReason,
        gates: safety.overriddenGates,
        commit,
        intent: req.intent.type,
      },
    });
  }
}

/** The override reasons of a release commit, read back from its trailers (for the history). */
export function overrideReasonsFromTrailers(t: Record<string, string>): {
  breakGlassReason?: string;
  gateOverrideReason?: string;
} {
  return {
    ...(t[BREAK_GLASS_TRAILER]
      ? { breakGlassReason: t[BREAK_GLASS_TRAILER] }
      : {}),
    ...(t[GATE_OVERRIDE_TRAILER]
      ? { gateOverrideReason: t[GATE_OVERRIDE_TRAILER] }
      : {}),
  };
}
