import { ArtifactStore } from '../../artifacts/ArtifactStore';
import { ConfigRepo } from '../../git/ConfigRepo';
import { PromoteResponse, RollbackResponse } from '../../http/types';
import { commitPlan, planRelease } from './plan';
import { ReleaseRecorder } from './record';
import { ReleaseResolver } from './resolve';
import {
  ReleaseCheck,
  ReleaseRequest,
  ReleaseResult,
  ReleaseWrite,
} from './types';

/**
 * Releases: every intent of `POST /release` (ReleaseArtifact, ReleaseBranch,
 * AutoRelease, Promote, Rollback), `POST /promote` and `POST /rollback`, as one
 * short pipeline:
 *
 * 1. resolve: which artifact goes out, and what runs now ({@link ReleaseResolver});
 * 2. check: each {@link ReleaseCheck} may refuse (branch restrictions today; freeze
 *    windows and promotion gates join as one check each);
 * 3. plan: the manifests and the folder, or nothing when it already runs there;
 * 4. commit: the files and one commit, pushed by the config repo's write queue;
 * 5. record: caches, events feed and metrics ({@link ReleaseRecorder}).
 *
 * Stages 1 (for Promote and Rollback) to 4 run inside the write, on the tree the
 * commit builds on, so concurrent releases see each other.
 *
 * Errors: `InputError` (400) for refused releases, `NotFoundError` (404) for unknown
 * artifacts, `ServiceUnavailableError` (503) when the config repo is unreachable.
 */
export class ReleaseService {
  private readonly releasedListeners: Array<
    (req: ReleaseRequest, result: ReleaseResult) => Promise<void>
  > = [];

  constructor(
    private readonly repo: ConfigRepo,
    private readonly store: ArtifactStore,
    private readonly resolver: ReleaseResolver,
    private readonly checks: ReleaseCheck[],
    private readonly recorder: ReleaseRecorder,
  ) {}

  /**
   * Calls `listener` after each successful release (changed or already up-to-date),
   * before `release` returns; its errors are the listener's to handle.
   */
  onReleased(
    listener: (req: ReleaseRequest, result: ReleaseResult) => Promise<void>,
  ): void {
    this.releasedListeners.push(listener);
  }

  /**
   * Releases an artifact to an environment with an intent. Releasing what already
   * runs changes nothing (`status: Environment is already up-to-date`).
   */
  async release(req: ReleaseRequest): Promise<ReleaseResult> {
    const started = process.hrtime.bigint();
    try {
      const prefetched = await this.resolver.prefetch(req);
      const outcome = await this.repo.write<ReleaseWrite>(async ctx => {
        const resolved = await this.resolver.resolve(req, prefetched, ctx);
        for (const check of this.checks) await check(resolved, ctx);
        const plan = await planRelease(this.store, resolved);
        if (!plan) return { result: { resolved } };
        const commit = await commitPlan(plan, ctx);
        return {
          result: { resolved, namespace: plan.namespace, commit },
          commit,
        };
      });
      const result = await this.recorder.record(
        req,
        outcome.result,
        outcome.commit,
        started,
      );
      for (const listener of this.releasedListeners)
        await listener(req, result);
      return result;
    } catch (error) {
      this.recorder.failed(req, error);
      throw error;
    }
  }

  /** Promote: release to `environment` what runs in the environment before it. */
  async promote(
    req: Omit<ReleaseRequest, 'intent' | 'artifactId'>,
  ): Promise<PromoteResponse> {
    const r = await this.release({
      ...req,
      intent: { type: 'Promote', promote: {} },
    });
    return {
      service: req.service,
      fromEnvironment: r.fromEnvironment!,
      toEnvironment: req.environment,
      status: r.status,
      tag: r.artifactId,
      commit: r.commit,
    };
  }

  /** Rollback: to the previous release in the environment, or to `artifactId`. A new commit, never a history rewrite. */
  async rollback(
    req: Omit<ReleaseRequest, 'intent'>,
  ): Promise<RollbackResponse> {
    const r = await this.release({
      ...req,
      intent: { type: 'Rollback', rollback: {} },
    });
    return {
      service: req.service,
      environment: req.environment,
      status: r.status,
      previousArtifactId: r.previousArtifactId ?? '',
      newArtifactId: r.artifactId,
      commit: r.commit,
    };
  }
}
