import { ConfigRepo } from '../../git/ConfigRepo';
import { Metrics } from '../../metrics';
import { EventFeed } from '../EventFeed';
import { IndexCache } from '../IndexCache';
import {
  EVENT_TYPE_BY_INTENT,
  releaseEventMessage,
  UP_TO_DATE,
} from './messages';
import { recordOverrides } from '../gates/overrides';
import { ReleaseRequest, ReleaseResult, ReleaseWrite } from './types';

/**
 * The record stage, after the commit is pushed: the caches learn what runs where
 * now and who released it, the events feed gets the release, and the metrics count
 * it (`released`, or `unchanged` when it already ran there).
 */
export class ReleaseRecorder {
  private ownCommits = 0;

  constructor(
    private readonly repo: ConfigRepo,
    private readonly index: IndexCache,
    private readonly events: EventFeed,
    private readonly metrics: Metrics,
  ) {}

  /** Records the outcome of a release; `started` is `process.hrtime.bigint()` at its start. */
  async record(
    req: ReleaseRequest,
    written: ReleaseWrite,
    commit: string | undefined,
    started: bigint,
  ): Promise<ReleaseResult> {
    const { service, environment, intent, actor } = req;
    const { spec, current, fromEnvironment } = written.resolved;
    const result: ReleaseResult = {
      artifactId: spec.id,
      previousArtifactId: current?.id,
      fromEnvironment,
      commit,
      status: commit ? '' : UP_TO_DATE,
      ...(written.resolved.safety ? { safety: written.resolved.safety } : {}),
    };
    if (!commit || !written.namespace) {
      this.metrics.releases.inc({
        environment,
        intent: intent.type,
        outcome: 'unchanged',
      });
      return result;
    }
    this.index.released(environment, service, written.namespace, {
      commit,
      releasedAt:
        (await this.repo.commitDate(commit)) ?? new Date().toISOString(),
      releasedByName: actor.name,
      releasedByEmail: actor.email,
      intent: intent.type,
    });
    if (++this.ownCommits % 1000 === 0) {
      // Keep changed-path Bloom filters covering new commits.
      void this.repo.writeCommitGraph();
    }
    await this.events.record({
      type: EVENT_TYPE_BY_INTENT[intent.type],
      service,
      environment,
      artifactId: spec.id,
      actorName: actor.name,
      actorEmail: actor.email,
      message: releaseEventMessage(
        intent.type,
        service,
        environment,
        result,
        actor,
      ),
      data: {
        intent: intent.type,
        commit,
        previousArtifactId: result.previousArtifactId,
        fromEnvironment,
      },
    });
    await recordOverrides(
      this.events,
      req,
      spec.id,
      commit,
      written.resolved.safety,
    );
    this.metrics.releases.inc({
      environment,
      intent: intent.type,
      outcome: 'released',
    });
    this.metrics.releaseDuration.observe(
      { environment },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    return result;
  }

  /** Counts a refused (`InputError`, `NotFoundError`, `ConflictError`: frozen or gated) or failed release. */
  failed(req: ReleaseRequest, error: unknown): void {
    const name = (error as Error)?.name;
    this.metrics.releases.inc({
      environment: req.environment,
      intent: req.intent.type,
      outcome:
        name === 'InputError' ||
        name === 'NotFoundError' ||
        name === 'ConflictError'
          ? 'rejected'
          : 'failed',
    });
  }
}
