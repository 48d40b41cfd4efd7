import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import { DatabaseConfig } from '../config';
import { ReleaseManagerEvent } from '../http/types';

/** A stored rollout event (daemon webhook or Flux). */
export interface RolloutEventRow {
  id: number;
  environment: string;
  service: string;
  artifact_id: string | null;
  /** `deploy`, `pod-error`, `job-error` or `flux`. */
  kind: string;
  payload: string;
  created_at: string;
}

/** A new entry of the events feed: an event without the id and time the database gives it. */
export type NewEvent = Omit<ReleaseManagerEvent, 'id' | 'createdAt'>;

/**
 * The `migrations/` folder of this package (knex migrations, shipped in the package's
 * `files`), next to its `package.json`: found through module resolution, so it works
 * from `src/` in the workspace and from an installed, built package.
 */
export function migrationsDir(): string {
  return path.join(
    path.dirname(require.resolve('@slipway/release-manager/package.json')),
    'migrations',
  );
}

/**
 * The release manager's database (knex): rollout events, the events feed and
 * the config repo write lock. SQLite (better-sqlite3) by default, PostgreSQL
 * when configured. The tables come from the knex migrations in `migrations/`,
 * run on open.
 */
export class Database {
  private readonly owner = `${os.hostname()}-${process.pid}-${randomUUID()}`;

  private constructor(readonly knex: Knex, readonly client: string) {}

  /** Opens the database and runs the pending migrations. */
  static async open(config: DatabaseConfig): Promise<Database> {
    if (config.client === 'better-sqlite3') {
      const filename = (config.connection as any).filename ?? config.connection;
      if (typeof filename === 'string' && filename !== ':memory:') {
        fs.mkdirSync(path.dirname(filename), { recursive: true });
      }
    }
    const knex = knexFactory({
      client: config.client,
      connection:
        config.client === 'better-sqlite3' &&
        typeof config.connection === 'string'
          ? { filename: config.connection }
          : (config.connection as any),
      useNullAsDefault: config.client === 'better-sqlite3',
      pool:
        config.client === 'better-sqlite3'
          ? {
              min: 1,
              max: 1,
              afterCreate: (conn: any, done: any) => {
                conn.pragma('journal_mode = WAL');
                // With WAL, NORMAL keeps the database consistent and avoids an fsync per write.
                conn.pragma('synchronous = NORMAL');
                conn.pragma('busy_timeout = 5000');
                done(null, conn);
              },
            }
          : { min: 0, max: 10 },
    });
    const db = new Database(knex, config.client);
    await db.migrate();
    return db;
  }

  private async migrate() {
    await this.knex.migrate.latest({
      directory: migrationsDir(),
      tableName: 'rm_knex_migrations',
      loadExtensions: ['.js'],
    });
  }

  /**
   * Runs `fn` holding the named lock, shared by every process on this database
   * (a row in `rm_locks` with a lease of `leaseMs`, taken over when expired).
   */
  async withLock<T>(
    name: string,
    fn: () => Promise<T>,
    leaseMs = 60_000,
  ): Promise<T> {
    const k = this.knex;
    for (let i = 0; ; i++) {
      const now = Date.now();
      let got = false;
      try {
        await k('rm_locks').insert({
          name,
          owner: this.owner,
          expires_at: now + leaseMs,
        });
        got = true;
      } catch {
        const n = await k('rm_locks')
          .where({ name })
          .andWhere('expires_at', '<', now)
          .update({ owner: this.owner, expires_at: now + leaseMs });
        got = n === 1;
      }
      if (got) break;
      await new Promise(r => setTimeout(r, Math.min(10 + i * 5, 100)));
    }
    try {
      return await fn();
    } finally {
      await k('rm_locks').where({ name, owner: this.owner }).delete();
    }
  }

  /** Stores a rollout event; returns its id. */
  async addRolloutEvent(e: {
    environment: string;
    service: string;
    artifactId?: string;
    kind: 'deploy' | 'pod-error' | 'job-error' | 'flux';
    payload: unknown;
  }): Promise<number> {
    const [row] = await this.knex('rm_rollout_events')
      .insert({
        environment: e.environment,
        service: e.service,
        artifact_id: e.artifactId ?? null,
        kind: e.kind,
        payload: JSON.stringify(e.payload),
        created_at: new Date().toISOString(),
      })
      .returning('id');
    return typeof row === 'object' ? row.id : row;
  }

  /** The latest rollout events of a service in an environment, newest first. */
  async rolloutEvents(
    environment: string,
    service: string,
    limit = 50,
  ): Promise<RolloutEventRow[]> {
    return this.knex('rm_rollout_events')
      .where({ environment, service })
      .orderBy('id', 'desc')
      .limit(limit);
  }

  /** Adds an entry to the events feed. */
  async addEvent(e: NewEvent): Promise<void> {
    await this.knex('rm_events').insert({
      type: e.type,
      service: e.service ?? null,
      environment: e.environment ?? null,
      artifact_id: e.artifactId ?? null,
      actor_name: e.actorName ?? null,
      actor_email: e.actorEmail ?? null,
      message: e.message,
      data: e.data ? JSON.stringify(e.data) : null,
      created_at: new Date().toISOString(),
    });
  }

  /** Events newest first, optionally since a time (RFC 3339), of a service or environment. */
  async events(q: {
    since?: string;
    service?: string;
    environment?: string;
    limit: number;
  }): Promise<ReleaseManagerEvent[]> {
    let query = this.knex('rm_events').orderBy('id', 'desc').limit(q.limit);
    if (q.since) query = query.where('created_at', '>=', q.since);
    if (q.service) query = query.where('service', q.service);
    if (q.environment) query = query.where('environment', q.environment);
    const rows = await query;
    return rows.map((r: any) => ({
      id: Number(r.id),
      type: r.type,
      service: r.service ?? undefined,
      environment: r.environment ?? undefined,
      artifactId: r.artifact_id ?? undefined,
      actorName: r.actor_name ?? undefined,
      actorEmail: r.actor_email ?? undefined,
      message: r.message,
      data: r.data ? JSON.parse(r.data) : undefined,
      createdAt: r.created_at,
    }));
  }

  /**
   * Deletes rollout events and events-feed entries older than `days` days,
   * keeping each service's newest rollout events per environment (the state of
   * what runs now must not vanish). @returns the number of rows deleted
   */
  async prune(days: number): Promise<number> {
    if (days <= 0) return 0;
    const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
    const k = this.knex;
    const keep = k('rm_rollout_events')
      .max('id')
      .groupBy('environment', 'service', 'kind');
    const rollout = await k('rm_rollout_events')
      .where('created_at', '<', cutoff)
      .whereNotIn('id', keep)
      .delete();
    const events = await k('rm_events')
      .where('created_at', '<', cutoff)
      .delete();
    return rollout + events;
  }

  async close() {
    await this.knex.destroy();
  }
}
