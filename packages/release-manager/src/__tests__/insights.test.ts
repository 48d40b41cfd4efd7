import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Database } from '../db/Database';
import { IntentType } from '../http/types';
import { releaseMessage } from '../service/releases/messages';
import { InsightsService } from '../service/insights/InsightsService';
import { tmpDir } from '../__testUtils__/helpers';

/*
 * A config repo built by the test with plain `git commit` at chosen times (release
 * commits with the release manager's own message and trailers), rollout events
 * stored at chosen times, and the figures worked out by hand below.
 *
 * Period: 30 days to NOW = 2026-11-30T00:00Z, so from 2026-10-31T00:00Z (a Saturday).
 * Prod releases of `ledger` (lead time = release − application commit):
 *   R0 2026-10-01 10:00 a0           outside the period
 *   R1 11-02 10:00 a1 release         commit 11-01 10:00 → 24 h
 *   R2 11-05 10:00 a2 promote         commit 11-05 08:00 → 2 h;  rolled back 2 h later (R3) → failed (rollback)
 *   R3 11-05 12:00 a1 rollback        (no lead time for rollbacks); healthy → restores R2 after 2 h
 *   R4 11-10 10:00 a3 release         commit 11-09 10:00 → 24 h; pod error for a3 at 10:30 → failed (rollout)
 *   R5 11-10 13:30 a4 promote         commit 11-10 12:30 → 1 h;  deploy 1/1 at 13:35 → restores R4 after 3 h
 *   R6 11-20 10:00 a5 promote         commit 11-17 10:00 → 72 h; high incident 15:00 → failed (incident)
 *   R7 11-21 09:00 a6 promote         commit 11-21 07:00 → 2 h;  restores R6 after 18 h
 * A low-urgency incident at 11-20 16:00 does not count.
 *
 * Deployments 7 → 7/30 = 0.2333/day (high: ≥ 1/week).
 * Failed 3 (R2, R4, R6) → 3/7 = 0.4286 (low: > 15 %); by cause 1/1/1.
 * Lead times [1, 2, 2, 24, 24, 72] → median 13 h (elite: < 1 day), p90 (nearest rank 6 of 6) 72 h.
 * Restores [2, 3, 18] → median 3 h (high: < 1 day), p90 18 h.
 * Weeks: 10-31 (0), 11-02 (R1 R2 R3: 3, 1 failed, lead [24, 2] → 13, restore 2),
 *   11-09 (R4 R5: 2, 1 failed, lead [24, 1] → 12.5, restore 3),
 *   11-16 (R6 R7: 2, 1 failed, lead [72, 2] → 37, restore 18), 11-23 (0).
 *
 * Staging of `ledger`: a5 11-19 10:00, a6 11-21 08:00, a7 11-25 10:00, a8 11-27 10:00.
 * Prod runs a6, so a8 and a7 wait; the oldest since 11-25 10:00 → 110 h at NOW.
 * `cards` runs c1 in staging and prod: nothing waits.
 */

const NOW = Date.parse('2026-11-30T00:00:00Z');
const H = 3_600_000;

describe('delivery insights on a real config repo history', () => {
  const dir = tmpDir('rm-insights-');
  const workdir = path.join(dir, 'repo');
  let db: Database;
  let insights: InsightsService;
  let head = '';

  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync('git', args, {
      cwd: workdir,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    }).trim();

  function release(
    when: string,
    environment: string,
    service: string,
    artifactId: string,
    intent: IntentType,
    extra: { committedAt?: string; from?: string; previous?: string } = {},
  ) {
    const rel = `${environment}/releases/${environment}/${service}`;
    fs.mkdirSync(path.join(workdir, rel), { recursive: true });
    fs.writeFileSync(
      path.join(workdir, rel, 'artifact.json'),
      JSON.stringify({
        id: artifactId,
        service,
        application: {
          branch: 'main',
          sha: `${artifactId}-sha`,
          message: `change ${artifactId}\n\nbody`,
          authorName: 'Ada',
          committedAt: extra.committedAt,
        },
      }),
    );
    git(['add', '-A']);
    const message = releaseMessage({
      service,
      environment,
      namespace: environment,
      artifactId,
      intent: {
        type: intent,
        promote: extra.from ? { fromEnvironment: extra.from } : undefined,
        rollback: extra.previous
          ? { previousArtifactId: extra.previous }
          : undefined,
      },
      actor: { name: 'Jane Doe', email: 'jane@example.com' },
    });
    git(['commit', '-q', '-m', message], {
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_DATE: when,
    });
    head = git(['rev-parse', 'HEAD']);
  }

  const repo = {
    get head() {
      return head;
    },
    workdir,
    readFile: async (rel: string, commit: string) => {
      try {
        return git(['show', `${commit}:${rel}`]);
      } catch {
        return undefined;
      }
    },
  };

  async function rolloutEvent(
    at: string,
    kind: 'deploy' | 'pod-error',
    artifactId: string,
    payload: object,
  ) {
    await db.knex('rm_rollout_events').insert({
      environment: 'prod',
      service: 'ledger',
      artifact_id: artifactId,
      kind,
      payload: JSON.stringify({ artifactId, environment: 'prod', ...payload }),
      created_at: at,
    });
  }

  beforeAll(async () => {
    fs.mkdirSync(workdir);
    git(['init', '-q', '-b', 'master']);
    git(['config', 'user.name', 'Test']);
    git(['config', 'user.email', 'test@example.com']);
    release('2026-10-01T10:00:00Z', 'prod', 'ledger', 'a0', 'ReleaseArtifact');
    release('2026-11-02T10:00:00Z', 'prod', 'ledger', 'a1', 'ReleaseArtifact', {
      committedAt: '2026-11-01T10:00:00Z',
    });
    release('2026-11-05T10:00:00Z', 'prod', 'ledger', 'a2', 'Promote', {
      committedAt: '2026-11-05T08:00:00Z',
      from: 'staging',
    });
    release('2026-11-05T12:00:00Z', 'prod', 'ledger', 'a1', 'Rollback', {
      committedAt: '2026-11-01T10:00:00Z',
      previous: 'a2',
    });
    release('2026-11-10T10:00:00Z', 'prod', 'ledger', 'a3', 'ReleaseArtifact', {
      committedAt: '2026-11-09T10:00:00Z',
    });
    release('2026-11-10T13:30:00Z', 'prod', 'ledger', 'a4', 'Promote', {
      committedAt: '2026-11-10T12:30:00Z',
      from: 'staging',
    });
    release(
      '2026-11-19T10:00:00Z',
      'staging',
      'ledger',
      'a5',
      'ReleaseArtifact',
      {
        committedAt: '2026-11-17T10:00:00Z',
      },
    );
    release('2026-11-20T10:00:00Z', 'prod', 'ledger', 'a5', 'Promote', {
      committedAt: '2026-11-17T10:00:00Z',
      from: 'staging',
    });
    release(
      '2026-11-21T08:00:00Z',
      'staging',
      'ledger',
      'a6',
      'ReleaseArtifact',
      {
        committedAt: '2026-11-21T07:00:00Z',
      },
    );
    release('2026-11-21T09:00:00Z', 'prod', 'ledger', 'a6', 'Promote', {
      committedAt: '2026-11-21T07:00:00Z',
      from: 'staging',
    });
    release(
      '2026-11-25T10:00:00Z',
      'staging',
      'ledger',
      'a7',
      'ReleaseArtifact',
    );
    release(
      '2026-11-27T10:00:00Z',
      'staging',
      'ledger',
      'a8',
      'ReleaseArtifact',
    );
    release(
      '2026-11-26T10:00:00Z',
      'staging',
      'cards',
      'c1',
      'ReleaseArtifact',
    );
    release('2026-11-26T11:00:00Z', 'prod', 'cards', 'c1', 'Promote', {
      from: 'staging',
    });

    db = await Database.open({
      client: 'better-sqlite3',
      connection: path.join(dir, 'db.sqlite'),
    } as any);
    await rolloutEvent('2026-11-10T10:30:00.000Z', 'pod-error', 'a3', {
      podName: 'ledger-1',
      errors: [{ name: 'ledger', type: 'CrashLoopBackOff' }],
    });
    await rolloutEvent('2026-11-10T13:35:00.000Z', 'deploy', 'a4', {
      name: 'ledger',
      availablePods: 1,
      replicas: 1,
    });
    insights = new InsightsService(
      repo,
      db.knex,
      () => ['dev', 'staging', 'prod'],
      () => NOW,
    );
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const incidents = [
    {
      service: 'ledger',
      openedAt: '2026-11-20T15:00:00Z',
      resolvedAt: '2026-11-21T10:00:00Z',
      urgency: 'high' as const,
    },
    {
      service: 'ledger',
      openedAt: '2026-11-20T16:00:00Z',
      urgency: 'low' as const,
    },
  ];

  it('computes the four DORA keys as worked out by hand', async () => {
    const d = await insights.dora({
      services: ['ledger'],
      days: 30,
      failureWindowHours: 24,
      incidents,
    });
    expect(d.from).toBe('2026-10-31T00:00:00.000Z');
    expect(d.environment).toBe('prod');
    expect(d.deploymentFrequency).toMatchObject({
      deployments: 7,
      perDay: 0.23,
      band: 'high',
    });
    expect(d.changeFailureRate).toMatchObject({
      failed: 3,
      deployments: 7,
      rate: 0.43,
      byCause: { rollback: 1, failedRollout: 1, incident: 1 },
      band: 'low',
    });
    expect(d.leadTime).toMatchObject({
      samples: 6,
      medianHours: 13,
      p90Hours: 72,
      band: 'elite',
    });
    expect(d.timeToRestore).toMatchObject({
      samples: 3,
      unrestored: 0,
      medianHours: 3,
      p90Hours: 18,
      band: 'high',
    });
    expect(
      d.weeks.map(w => [
        w.start.slice(0, 10),
        w.deployments,
        w.failed,
        w.leadTimeMedianHours,
        w.timeToRestoreMedianHours,
      ]),
    ).toEqual([
      ['2026-10-31', 0, 0, null, null],
      ['2026-11-02', 3, 1, 13, 2],
      ['2026-11-09', 2, 1, 12.5, 3],
      ['2026-11-16', 2, 1, 37, 18],
      ['2026-11-23', 0, 0, null, null],
    ]);
    expect(d.changeFailureRate.computation).toMatch(/rollback/);
    expect(d.bandsSource).toMatch(/State of DevOps/);
  });

  it('with a shorter failure window, counts only the failures inside it', async () => {
    // 1 h window: the rollback came 2 h after R2 and the incident 5 h after R6;
    // the pod error came 30 min after R4 and still counts.
    const d = await insights.dora({
      services: ['ledger'],
      days: 30,
      failureWindowHours: 1,
      incidents,
    });
    expect(d.changeFailureRate).toMatchObject({
      failed: 1,
      byCause: { rollback: 0, failedRollout: 1, incident: 0 },
    });
    // The incident is no release's fault now: an outage of its own, 15:00 → R7 at 09:00 → 18 h.
    expect(d.timeToRestore).toMatchObject({ samples: 2, medianHours: 10.5 });
  });

  it('lists the feed of a range newest first, with rollouts that failed and recovered', async () => {
    const f = await insights.events({
      services: ['ledger', 'cards'],
      since: Date.parse('2026-11-10T00:00:00Z'),
      until: Date.parse('2026-11-11T00:00:00Z'),
      limit: 100,
    });
    expect(
      f.events.map(e => [e.kind, e.at.slice(11, 16), e.artifactId]),
    ).toEqual([
      ['rollout-recovered', '13:35', 'a4'],
      ['promote', '13:30', 'a4'],
      ['rollout-failed', '10:30', 'a3'],
      ['release', '10:00', 'a3'],
    ]);
    expect(f.events[1].message).toBe(
      'ledger a4 promoted from staging to prod by Jane Doe',
    );
    expect(f.events[1].commit).toMatch(/^[0-9a-f]{40}$/);
    expect(f.truncated).toBe(false);
    const limited = await insights.events({
      services: ['ledger'],
      since: Date.parse('2026-11-10T00:00:00Z'),
      until: Date.parse('2026-11-11T00:00:00Z'),
      limit: 1,
    });
    expect(limited.events).toHaveLength(1);
    expect(limited.truncated).toBe(true);
  });

  it('reads further back in history only when asked', async () => {
    expect(insights.history.since).toBeGreaterThan(
      Date.parse('2026-10-01T10:00:00Z'),
    );
    const f = await insights.events({
      services: ['ledger'],
      since: Date.parse('2026-10-01T00:00:00Z'),
      until: Date.parse('2026-10-02T00:00:00Z'),
      limit: 10,
    });
    expect(f.events.map(e => [e.kind, e.artifactId])).toEqual([
      ['release', 'a0'],
    ]);
    // Nothing is read twice: still seven prod releases in the 30 days.
    const d = await insights.dora({
      services: ['ledger'],
      days: 30,
      failureWindowHours: 24,
      incidents: [],
    });
    expect(d.deploymentFrequency.deployments).toBe(7);
  });

  it('shows drift: what runs where and what waits in staging, longest wait first', async () => {
    const d = await insights.drift({ services: ['cards', 'ledger'] });
    expect(d.from).toBe('staging');
    expect(d.to).toBe('prod');
    expect(d.services.map(s => s.service)).toEqual(['ledger', 'cards']);
    const [ledger, cards] = d.services;
    expect(ledger.environments.prod?.artifactId).toBe('a6');
    expect(ledger.environments.staging?.artifactId).toBe('a8');
    expect(ledger.environments.dev).toBeNull();
    expect(ledger.pending.map(p => [p.artifactId, p.message])).toEqual([
      ['a8', 'change a8'],
      ['a7', 'change a7'],
    ]);
    expect(ledger.waitingSince).toBe('2026-11-25T10:00:00.000Z');
    expect(ledger.waitingHours).toBe(110);
    expect(cards.pending).toEqual([]);
    expect(cards.waitingHours).toBeUndefined();
  });

  it('catches up with new commits incrementally', async () => {
    release('2026-11-29T10:00:00Z', 'prod', 'ledger', 'a8', 'Promote', {
      committedAt: '2026-11-27T09:00:00Z',
      from: 'staging',
    });
    const d = await insights.drift({ services: ['ledger'] });
    expect(d.services[0].pending).toEqual([]);
    const dora = await insights.dora({
      services: ['ledger'],
      days: 30,
      failureWindowHours: 24,
      incidents: [],
    });
    expect(dora.deploymentFrequency.deployments).toBe(8);
    expect(NOW - Date.parse('2026-11-29T10:00:00Z')).toBe(14 * H);
  });

  it('rejects environments that are not configured or out of order', async () => {
    await expect(
      insights.drift({ services: ['ledger'], from: 'prod', to: 'staging' }),
    ).rejects.toThrow(/from: 'prod' must come before 'staging'/);
    await expect(
      insights.dora({
        services: ['ledger'],
        days: 30,
        failureWindowHours: 24,
        incidents: [],
        environment: 'qa',
      }),
    ).rejects.toThrow(/environment: unknown environment 'qa'/);
  });
});
