import { Knex } from 'knex';
import {
  AutoReleasePause,
  AutoRollbackRecord,
  AutoRollbackTrigger,
} from './types';

const ROLLBACKS = 'rm_auto_rollbacks';
const PAUSES = 'rm_auto_release_pauses';

/** A claim on the automatic rollback of one failed release. */
export interface AutoRollbackClaim {
  service: string;
  environment: string;
  failedArtifactId: string;
  trigger: AutoRollbackTrigger;
  reason: string;
}

/**
 * The database side of automatic rollback (tables of migration
 * `20261202160000_auto_rollback.js`): the automatic rollbacks, one row per (service,
 * environment, failed artifact) by a unique key, and the pauses of auto-release.
 */
export class AutoRollbackStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Claims the automatic rollback of a failed release: true for the one caller (in
   * any process on this database, across restarts) whose row was inserted, false for
   * every other, since the row already exists. A claim left `pending` for longer than
   * `staleAfterMs` (its process stopped between the claim and the rollback) is taken
   * over by one caller.
   */
  async claim(
    c: AutoRollbackClaim,
    staleAfterMs = 10 * 60_000,
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const stale = new Date(Date.now() - staleAfterMs).toISOString();
    const key = {
      service: c.service,
      environment: c.environment,
      failed_artifact_id: c.failedArtifactId,
    };
    const takenOver = await this.knex(ROLLBACKS)
      .where(key)
      .andWhere('state', 'pending')
      .andWhere('updated_at', '<', stale)
      .update({ trigger: c.trigger, reason: c.reason, updated_at: now });
    if (takenOver === 1) return true;
    const inserted = await this.knex(ROLLBACKS)
      .insert({
        service: c.service,
        environment: c.environment,
        failed_artifact_id: c.failedArtifactId,
        trigger: c.trigger,
        reason: c.reason,
        state: 'pending',
        created_at: now,
        updated_at: now,
      })
      .onConflict(['service', 'environment', 'failed_artifact_id'])
      .ignore()
      .returning('id');
    return inserted.length === 1;
  }

  /** Records how a claimed rollback ended: `rolled-back` (with target and commit) or `failed` (with why). */
  async finish(
    c: Pick<AutoRollbackClaim, 'service' | 'environment' | 'failedArtifactId'>,
    outcome:
      | { state: 'rolled-back'; rolledBackTo: string; commit?: string }
      | { state: 'failed'; message: string },
  ): Promise<void> {
    await this.knex(ROLLBACKS)
      .where({
        service: c.service,
        environment: c.environment,
        failed_artifact_id: c.failedArtifactId,
      })
      .update({
        state: outcome.state,
        rolled_back_to:
          outcome.state === 'rolled-back' ? outcome.rolledBackTo : null,
        commit: outcome.state === 'rolled-back' ? outcome.commit ?? null : null,
        message: outcome.state === 'failed' ? outcome.message : null,
        updated_at: new Date().toISOString(),
      });
  }

  /** The automatic rollbacks of a service (in one environment), newest first, at most `limit`. */
  async list(
    service: string,
    environment?: string,
    limit = 50,
  ): Promise<AutoRollbackRecord[]> {
    let q = this.knex(ROLLBACKS)
      .where({ service })
      .orderBy('id', 'desc')
      .limit(limit);
    if (environment) q = q.andWhere({ environment });
    const rows = await q;
    return rows.map((r: any) => ({
      service: r.service,
      environment: r.environment,
      failedArtifactId: r.failed_artifact_id,
      trigger: r.trigger,
      reason: r.reason,
      state: r.state,
      ...(r.rolled_back_to ? { rolledBackTo: r.rolled_back_to } : {}),
      ...(r.commit ? { commit: r.commit } : {}),
      ...(r.message ? { message: r.message } : {}),
      createdAt: r.created_at,
    }));
  }

  /** Pauses auto-release of `service` into `environment` (replacing an earlier pause). */
  async pause(
    service: string,
    environment: string,
    pause: AutoReleasePause,
  ): Promise<void> {
    await this.knex(PAUSES)
      .insert({
        service,
        environment,
        since: pause.since,
        reason: pause.reason,
        failed_artifact_id: pause.failedArtifactId,
      })
      .onConflict(['service', 'environment'])
      .merge();
  }

  /** Lifts the pause; true when there was one. */
  async resume(service: string, environment: string): Promise<boolean> {
    const n = await this.knex(PAUSES).where({ service, environment }).delete();
    return n > 0;
  }

  /** The pauses of a service's environments, by environment name. */
  async pauses(service: string): Promise<Map<string, AutoReleasePause>> {
    const rows = await this.knex(PAUSES).where({ service });
    return new Map(
      rows.map((r: any) => [
        r.environment as string,
        {
          since: r.since,
          reason: r.reason,
          failedArtifactId: r.failed_artifact_id,
        },
      ]),
    );
  }
}
