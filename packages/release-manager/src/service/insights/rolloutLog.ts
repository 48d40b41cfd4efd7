import { Knex } from 'knex';

/** A rollout report, reduced to what insights need. */
export interface RolloutReport {
  service: string;
  environment: string;
  /** Undefined for Flux events (they name no artifact). */
  artifactId?: string;
  /** Epoch milliseconds. */
  at: number;
  /** `failed`: pod or job error, or a Flux error; `succeeded`: all replicas available, or a Flux success; else `progressing`. */
  phase: 'failed' | 'succeeded' | 'progressing';
  /** e.g. `CrashLoopBackOff`, `BackoffLimitExceeded`, Flux's reason. */
  reason?: string;
}

/**
 * Reads the stored rollout events (`rm_rollout_events`, written by the daemon and
 * Flux webhooks) of a set of services in a time range, oldest first, with one query.
 *
 * @param knex - the release manager's database
 * @param q.services - services to read (at most a few hundred)
 * @param q.since - RFC 3339 lower bound (inclusive)
 * @param q.until - RFC 3339 upper bound (exclusive); default none
 * @param q.environment - only this environment
 */
export async function readRolloutReports(
  knex: Knex,
  q: {
    services: string[];
    since: string;
    until?: string;
    environment?: string;
  },
): Promise<RolloutReport[]> {
  if (!q.services.length) return [];
  let query = knex('rm_rollout_events')
    .select(
      'service',
      'environment',
      'artifact_id',
      'kind',
      'payload',
      'created_at',
    )
    .whereIn('service', q.services)
    .andWhere('created_at', '>=', q.since)
    .orderBy('id', 'asc');
  if (q.until) query = query.andWhere('created_at', '<', q.until);
  if (q.environment) query = query.andWhere('environment', q.environment);
  const rows: any[] = await query;
  return rows.map(row => {
    const payload = safeJson(row.payload);
    const report: RolloutReport = {
      service: row.service,
      environment: row.environment,
      artifactId: row.artifact_id ?? undefined,
      at: Date.parse(row.created_at),
      phase: 'progressing',
    };
    if (row.kind === 'pod-error') {
      report.phase = 'failed';
      const e = payload?.errors?.[0];
      report.reason = e?.type ?? e?.reason;
    } else if (row.kind === 'job-error') {
      report.phase = 'failed';
      const e = payload?.errors?.[0];
      report.reason = e?.reason ?? e?.type;
    } else if (row.kind === 'deploy') {
      const desired = payload?.replicas ?? 0;
      if ((payload?.availablePods ?? 0) >= desired) report.phase = 'succeeded';
    } else if (row.kind === 'flux') {
      report.reason = payload?.reason;
      if (payload?.severity === 'error') report.phase = 'failed';
      else if (/Succeeded|Ready|Healthy/.test(payload?.reason ?? ''))
        report.phase = 'succeeded';
    }
    return report;
  });
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
