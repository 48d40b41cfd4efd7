import { previousEnvironment } from '@slipway/plugin-release-manager-common/rules';
import { ConfigRepo } from '../../git/ConfigRepo';
import { WriteContext } from '../../git/types';
import {
  GateResult,
  IntentType,
  PromotionGatesSettings,
} from '../../http/types';
import { releaseDir, releasesRoot } from '../layout';
import { currentInTree } from '../releases/resolve';
import { RolloutService } from '../RolloutService';
import { SignalService } from '../signals/SignalService';

/** What a gate evaluation is about: a resolved (or prospective) release. */
export interface GateSubject {
  service: string;
  environment: string;
  intent: IntentType;
  /** The artifact that goes out. */
  artifactId: string;
  /** Promote: the environment it comes from; else the one before `environment`. */
  fromEnvironment?: string;
}

/** Gate settings of an environment without gates: every gate off. */
export const NO_GATES: PromotionGatesSettings = {
  rolloutReady: false,
  health: false,
  incidents: false,
  soakMinutes: 0,
};

const NAMES: Record<GateResult['id'], string> = {
  'rollout-ready': 'Source rollout ready',
  health: 'Health not red',
  incidents: 'No high-urgency incident',
  soak: 'Soak time',
};

/**
 * The promotion gates of releases into an environment (server config
 * `promotionGates.<environment>`):
 *
 * - `rollout-ready`: the artifact runs in the source environment (the promotion's, else
 *   the previous one) and its rollout there succeeded (every replica ready);
 * - `health`: the service's health light is not red (nor that of the target or source
 *   environment, when the portal reports lights per environment);
 * - `incidents`: no high-urgency incident is open on the service;
 * - `soak`: the artifact was released to the source environment at least
 *   `soakMinutes` ago (time of its release commit there).
 *
 * Health and incidents come from the portal's signals ({@link SignalService}); missing
 * or stale signals fail those gates (closed), saying so. Rollbacks are never gated;
 * the first environment has no source, so its rollout and soak gates are skipped.
 */
export class GateService {
  constructor(
    private readonly settingsOf: (
      environment: string,
    ) => PromotionGatesSettings,
    private readonly environments: () => string[],
    private readonly repo: ConfigRepo,
    private readonly rollouts: RolloutService,
    private readonly signals: SignalService,
    private readonly now: () => number = Date.now,
  ) {}

  /** The gate settings of `environment` ({@link NO_GATES} when it has none). */
  settings(environment: string): PromotionGatesSettings {
    return this.settingsOf(environment);
  }

  /** The source environment of a release: the promotion's, else the one before `environment`. */
  sourceOf(s: Pick<GateSubject, 'environment' | 'fromEnvironment'>) {
    return (
      s.fromEnvironment ??
      previousEnvironment(this.environments(), s.environment)
    );
  }

  /** Every gate's result for a release, read in `ctx` (a write's tree, or the head). */
  async evaluate(s: GateSubject, ctx: WriteContext): Promise<GateResult[]> {
    const g = this.settings(s.environment);
    const skip = (id: GateResult['id'], message: string): GateResult => ({
      id,
      name: NAMES[id],
      outcome: 'skipped',
      message,
    });
    const ids: GateResult['id'][] = [
      'rollout-ready',
      'health',
      'incidents',
      'soak',
    ];
    if (s.intent === 'Rollback') {
      return ids.map(id => skip(id, 'rollbacks are not gated'));
    }
    const source = this.sourceOf(s);
    const running = source
      ? await currentInTree(ctx, source, s.service)
      : undefined;
    const releasedAt =
      source && running
        ? await this.releasedAt(ctx, source, s.service, running.id)
        : undefined;
    const reading =
      g.health || g.incidents ? await this.signals.read(s.service) : {};
    const result = (
      id: GateResult['id'],
      passed: boolean,
      message: string,
    ): GateResult => ({
      id,
      name: NAMES[id],
      outcome: passed ? 'passed' : 'failed',
      message,
    });
    const out: GateResult[] = [];

    // Source rollout ready.
    if (!g.rolloutReady) out.push(skip('rollout-ready', 'turned off'));
    else if (!source)
      out.push(
        skip('rollout-ready', `${s.environment} is the first environment`),
      );
    else if (!running || running.id !== s.artifactId)
      out.push(
        result(
          'rollout-ready',
          false,
          running
            ? `${source} runs ${running.id}, not ${s.artifactId}`
            : `${s.artifactId} does not run in ${source}: nothing of ${s.service} runs there`,
        ),
      );
    else {
      const r = await this.rollouts.stateOf(
        source,
        s.service,
        running.id,
        releasedAt,
      );
      const ready =
        r.availableReplicas !== undefined
          ? ` (${r.availableReplicas}/${r.desiredReplicas} ready)`
          : '';
      const why: Record<string, string> = {
        succeeded: `rolled out in ${source}${ready}`,
        progressing: `still rolling out in ${source}${ready}`,
        failed: `failing in ${source}: ${
          r.errors[0]
            ? `${r.errors[0].container} ${r.errors[0].reason ?? ''}`.trim()
            : r.fluxMessage ?? 'rollout failed'
        }`,
        unknown: `no rollout reported from ${source} yet`,
      };
      out.push(
        result(
          'rollout-ready',
          r.phase === 'succeeded',
          `${running.id} ${why[r.phase]}`,
        ),
      );
    }

    // Health light.
    if (!g.health) out.push(skip('health', 'turned off'));
    else if (reading.problem)
      out.push(result('health', false, reading.problem));
    else {
      const sig = reading.signals!;
      const lights = [
        { where: s.service, h: sig.health },
        ...[s.environment, source]
          .filter((e): e is string => !!e && !!sig.environments?.[e])
          .map(e => ({
            where: `${s.service} in ${e}`,
            h: sig.environments![e],
          })),
      ];
      const red = lights.find(l => l.h.light === 'red');
      out.push(
        red
          ? result(
              'health',
              false,
              `${red.where} is red${red.h.reason ? `: ${red.h.reason}` : ''}`,
            )
          : result(
              'health',
              true,
              `${s.service} is ${sig.health.light} (observed ${reading.ageMinutes} min ago)`,
            ),
      );
    }

    // Incidents.
    if (!g.incidents) out.push(skip('incidents', 'turned off'));
    else if (reading.problem)
      out.push(result('incidents', false, reading.problem));
    else {
      const open = reading.signals!.incidents;
      const high = open.filter(i => i.urgency === 'high');
      out.push(
        high.length
          ? result(
              'incidents',
              false,
              `high-urgency incident open on ${s.service}: ${high
                .map(i => `'${i.title}' (${i.id})`)
                .join(', ')}`,
            )
          : result(
              'incidents',
              true,
              `no high-urgency incident open${
                open.length ? ` (${open.length} low-urgency)` : ''
              }`,
            ),
      );
    }

    // Soak time.
    if (!g.soakMinutes) out.push(skip('soak', 'turned off'));
    else if (!source)
      out.push(skip('soak', `${s.environment} is the first environment`));
    else if (!running || running.id !== s.artifactId)
      out.push(
        result('soak', false, `${s.artifactId} has not run in ${source}`),
      );
    else {
      const minutes = releasedAt
        ? Math.floor((this.now() - Date.parse(releasedAt)) / 60_000)
        : 0;
      out.push(
        result(
          'soak',
          minutes >= g.soakMinutes,
          `${s.artifactId} has run in ${source} for ${minutes} min (${g.soakMinutes} min required)`,
        ),
      );
    }
    return out;
  }

  /**
   * When `artifactId` was released to `environment` (its newest release commit there),
   * read at `ctx.head`; undefined when that commit is not the artifact's (released in
   * this very write batch, not yet committed: soaked for 0 minutes).
   */
  private async releasedAt(
    ctx: WriteContext,
    environment: string,
    service: string,
    artifactId: string,
  ): Promise<string | undefined> {
    for (const ns of await ctx.list(releasesRoot(environment))) {
      if (
        !(await ctx.list(`${releasesRoot(environment)}/${ns}`)).includes(
          service,
        )
      )
        continue;
      const [c] = await this.repo.log(
        releaseDir(environment, ns, service),
        1,
        ctx.head,
      );
      if (c && c.trailers['Artifact-ID'] === artifactId)
        return new Date(c.date).toISOString();
    }
    return undefined;
  }
}
