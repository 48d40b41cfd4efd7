import { ArtifactStore } from '../artifacts/ArtifactStore';
import { ReleaseManagerConfig } from '../config';
import { Database } from '../db/Database';
import { ConfigRepo } from '../git/ConfigRepo';
import { Metrics } from '../metrics';
import { ArtifactService } from './ArtifactService';
import {
  AutoReleasePauses,
  AutoRollbackPolicies,
  AutoRollbackService,
  AutoRollbackStore,
} from './autoRollback';
import { Directory } from './Directory';
import { EventFeed } from './EventFeed';
import { IndexCache } from './IndexCache';
import { FreezeService } from './freeze/FreezeService';
import { freezeCheck, gatesCheck } from './gates/checks';
import { GateService, NO_GATES } from './gates/GateService';
import { SignalService } from './signals/SignalService';
import { SignalStore } from './signals/SignalStore';
import { InsightsService } from './insights/InsightsService';
import { runningFromIndex } from './insights/running';
import { PolicyService } from './PolicyService';
import { branchRestrictionCheck } from './releases/checks';
import { ReleaseRecorder } from './releases/record';
import { ReleaseResolver } from './releases/resolve';
import { ReleaseService } from './releases/ReleaseService';
import { RolloutService } from './RolloutService';
import { StatusService } from './StatusService';

export { UP_TO_DATE, releaseMessage } from './releases/messages';
export type { ReleaseRequest, ReleaseResult } from './releases/types';

/**
 * The release manager: one service per domain, wired together over the config repo,
 * the artifact store and the database. The HTTP routes validate their input and call
 * the services directly:
 *
 * - {@link ReleaseService} `releases`: release (every intent), promote, rollback;
 * - {@link PolicyService} `policies`: auto-release and branch-restriction policies;
 * - {@link ArtifactService} `artifacts`: artifacts from CI, describe, auto-release on arrival;
 * - {@link RolloutService} `rollouts`: daemon and Flux webhooks, rollout state;
 * - {@link StatusService} `status`: what runs where, rollout per environment, release history;
 * - {@link EventFeed} `events`: the events feed;
 * - {@link Directory} `directory`: the known environments and services (404s);
 * - {@link IndexCache} `index`: what runs where and who released it, in memory;
 * - {@link InsightsService} `insights`: the feed of a set of services, drift, DORA keys.
 *
 * State that says what runs where lives in the config repo; the database holds
 * rollout events, the events feed and the write lock.
 */
export class ReleaseManager {
  readonly index: IndexCache;
  readonly directory: Directory;
  readonly events: EventFeed;
  readonly policies: PolicyService;
  readonly releases: ReleaseService;
  readonly artifacts: ArtifactService;
  readonly rollouts: RolloutService;
  readonly status: StatusService;
  /** Automatic rollback policies (config repo). */
  readonly autoRollbackPolicies: AutoRollbackPolicies;
  /** Automatic rollback: triggers, the sweep, the record of rollbacks. */
  readonly autoRollback: AutoRollbackService;
  readonly autoRollbackStore: AutoRollbackStore;
  /** Pauses of auto-release after automatic rollbacks. */
  readonly autoReleasePauses: AutoReleasePauses;
  readonly insights: InsightsService;
  /** Health lights and open incidents the portal pushes; `signals.onChange` tells changes. */
  readonly signals: SignalService;
  /** Freeze windows (global from config, per service in the config repo) and the incident freeze. */
  readonly freezes: FreezeService;
  /** Promotion gates: rollout ready, health, incidents, soak. */
  readonly gates: GateService;

  constructor(
    readonly config: ReleaseManagerConfig,
    readonly repo: ConfigRepo,
    readonly store: ArtifactStore,
    readonly db: Database,
    readonly metrics: Metrics,
  ) {
    const environments = () => config.environments;
    this.index = new IndexCache(repo);
    this.directory = new Directory(config, store, this.index);
    this.events = new EventFeed(db);
    this.policies = new PolicyService(config, repo, this.events);
    this.signals = new SignalService(new SignalStore(db), this.events, {
      staleAfterMs: config.signals.staleAfterSeconds * 1000,
    });
    this.freezes = new FreezeService(
      () => config.freezeWindows,
      repo,
      this.events,
    );
    this.autoRollbackStore = new AutoRollbackStore(db.knex);
    this.autoReleasePauses = new AutoReleasePauses(
      this.autoRollbackStore,
      this.events,
    );
    this.autoRollbackPolicies = new AutoRollbackPolicies(repo, this.events);
    this.releases = new ReleaseService(
      repo,
      store,
      new ReleaseResolver(repo, store, environments),
      [
        branchRestrictionCheck(this.policies),
        freezeCheck(this.freezes, this.signals),
        (release, ctx) => gatesCheck(this.gates)(release, ctx),
      ],
      new ReleaseRecorder(repo, this.index, this.events, metrics),
    );
    this.artifacts = new ArtifactService(
      store,
      this.policies,
      this.releases,
      this.events,
      environments,
      this.autoReleasePauses,
    );
    this.rollouts = new RolloutService(
      this.directory,
      db,
      this.events,
      metrics,
    );
    this.status = new StatusService(
      repo,
      this.index,
      this.directory,
      this.rollouts,
      this.autoReleasePauses,
    );
    this.autoRollback = new AutoRollbackService({
      policies: this.autoRollbackPolicies,
      store: this.autoRollbackStore,
      pauses: this.autoReleasePauses,
      releases: this.releases,
      status: this.status,
      directory: this.directory,
      events: this.events,
    });
    this.rollouts.onFailure(f => this.autoRollback.rolloutFailed(f));
    this.releases.onReleased(req => this.autoRollback.released(req));
    this.signals.onChange(change => this.autoRollback.healthChanged(change));
    this.insights = new InsightsService(
      repo,
      db.knex,
      environments,
      Date.now,
      runningFromIndex(repo, this.index),
    );
    this.gates = new GateService(
      env => config.promotionGates[env] ?? NO_GATES,
      environments,
      repo,
      this.rollouts,
      this.signals,
    );
  }

  /** The environments in promotion order. */
  get environments(): string[] {
    return this.config.environments;
  }

  /** Builds the index of what runs where and fills the release-info cache; called at start-up. */
  warmUp(): Promise<void> {
    return this.index.warmUp();
  }
}
