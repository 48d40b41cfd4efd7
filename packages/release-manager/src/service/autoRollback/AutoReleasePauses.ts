import { Actor } from '../../git/types';
import { EventFeed } from '../EventFeed';
import { AutoRollbackStore } from './AutoRollbackStore';
import { AutoReleasePause } from './types';

/**
 * Pauses of auto-release, per service and environment. An automatic rollback pauses
 * auto-release into its environment, so that the next artifact of the branch does not
 * go out on its own into an environment that just failed; a person lifts the pause by
 * releasing there (any intent but AutoRelease) or with `POST /auto-release/resume`.
 * Kept in the database (`rm_auto_release_pauses`), so a pause survives restarts.
 * Each pause, skipped auto-release and resume is told in the events feed.
 */
export class AutoReleasePauses {
  constructor(
    private readonly store: AutoRollbackStore,
    private readonly events: EventFeed,
  ) {}

  /** The pauses of a service, by environment name. */
  of(service: string): Promise<Map<string, AutoReleasePause>> {
    return this.store.pauses(service);
  }

  /** The pause of auto-release of `service` into `environment`, if paused. */
  async get(
    service: string,
    environment: string,
  ): Promise<AutoReleasePause | undefined> {
    return (await this.store.pauses(service)).get(environment);
  }

  /** Pauses auto-release of `service` into `environment` and tells the feed. */
  async pause(
    service: string,
    environment: string,
    pause: AutoReleasePause,
  ): Promise<void> {
    await this.store.pause(service, environment, pause);
    await this.events.record({
      type: 'auto-release-paused',
      service,
      environment,
      artifactId: pause.failedArtifactId,
      message: `auto-release of ${service} to ${environment} is paused: ${pause.reason}`,
      data: { action: 'pause', ...pause },
    });
  }

  /**
   * Tells the feed that an auto-release of `artifactId` did not happen because of the
   * pause; returns the status text for the upload's `autoReleases` answer.
   */
  async skipped(
    service: string,
    environment: string,
    artifactId: string,
    pause: AutoReleasePause,
  ): Promise<string> {
    const why = `auto-release to ${environment} is paused since ${pause.since} (${pause.reason}); release by hand or resume auto-release`;
    await this.events.record({
      type: 'auto-release-paused',
      service,
      environment,
      artifactId,
      message: `${service} ${artifactId} not auto-released: ${why}`,
      data: { action: 'skip', ...pause },
    });
    return `paused: ${why}`;
  }

  /**
   * Lifts the pause (no-op when not paused); `why` says what lifted it (a release by
   * a person, or the resume route). @returns true when there was a pause
   */
  async resume(
    service: string,
    environment: string,
    actor: Actor,
    why: string,
  ): Promise<boolean> {
    const resumed = await this.store.resume(service, environment);
    if (resumed) {
      await this.events.record({
        type: 'auto-release-resumed',
        service,
        environment,
        actorName: actor.name,
        actorEmail: actor.email,
        message: `auto-release of ${service} to ${environment} resumed by ${actor.name} (${why})`,
        data: { action: 'resume', why },
      });
    }
    return resumed;
  }
}
