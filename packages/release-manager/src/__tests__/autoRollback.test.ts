import {
  auth,
  jane,
  manifests,
  push,
  release,
  Running,
  spec,
  start,
  subjects,
} from '../__testUtils__/helpers';
import { AutoRollbackService } from '../service/autoRollback';

jest.setTimeout(120_000);

const SERVICE = 'ledger';

/** A daemon report of a crash-looping pod of `artifactId` in `environment`. */
function crashLoop(rm: Running, artifactId: string, environment = 'staging') {
  return rm
    .http()
    .post('/webhook/daemon/k8s/error')
    .set(auth)
    .send({
      podName: `${SERVICE}-7c9f-x2`,
      namespace: 'payments',
      environment,
      artifactId,
      errors: [
        {
          name: SERVICE,
          type: 'CrashLoopBackOff',
          message: 'back-off 10s restarting failed container',
          logs: ['panic: no signing key'],
        },
      ],
    });
}

function applyPolicy(rm: Running, body: Record<string, unknown>) {
  return rm
    .http()
    .patch('/policies/auto-rollback')
    .set(auth)
    .send({ service: SERVICE, environment: 'staging', ...jane, ...body });
}

async function status(rm: Running, environment = 'staging') {
  const res = await rm.http().get(`/status?service=${SERVICE}`).set(auth);
  expect(res.status).toBe(200);
  return res.body.environments.find((e: any) => e.name === environment);
}

/** Releases `a` then `b` to staging by hand; returns both. */
async function twoReleases(rm: Running) {
  const a = await push(rm, SERVICE);
  const b = await push(rm, SERVICE);
  for (const s of [a, b]) {
    const r = await release(rm, {
      service: SERVICE,
      environment: 'staging',
      artifactId: s.id,
    });
    expect(r.status).toBe(200);
  }
  return { a, b };
}

function autoRollbackCommits(rm: Running): string[] {
  return rm
    .git('log', '--author=Slipway auto-rollback', '--format=%H', 'main')
    .split('\n')
    .filter(Boolean);
}

describe('automatic rollback', () => {
  let rm: Running;
  beforeEach(async () => {
    rm = await start();
  });
  afterEach(async () => {
    await rm?.stop();
  });

  it('rolls a crash-looping release back exactly once, even for concurrent and repeated reports', async () => {
    const { a, b } = await twoReleases(rm);
    expect((await applyPolicy(rm, { onRolloutFailure: true })).status).toBe(
      201,
    );

    const answers = await Promise.all(
      Array.from({ length: 6 }, () => crashLoop(rm, b.id)),
    );
    expect(answers.map(r => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await crashLoop(rm, b.id)).status).toBe(200); // a repeat afterwards

    const commits = autoRollbackCommits(rm);
    expect(commits).toHaveLength(1);
    expect(subjects(rm)[0]).toBe(`[staging/${SERVICE}] rollback to ${a.id}`);
    const message = rm.git('log', '-1', '--format=%an <%ae>%n%B', commits[0]);
    expect(message).toContain(
      'Slipway auto-rollback <auto-rollback@slipway.dev>',
    );
    expect(message).toContain('Intent: Rollback');
    expect(message).toContain(`Intent-Previous-Artifact-ID: ${b.id}`);
    expect(message).toContain('Auto-Rollback-Trigger: rollout-failed');
    expect(message).toContain(`Auto-Rollback-Failed-Artifact-ID: ${b.id}`);
    expect(message).toMatch(
      new RegExp(
        `Auto-Rollback-Reason: the rollout of ${b.id} failed: pod ledger-7c9f-x2 container ledger CrashLoopBackOff`,
      ),
    );

    const staging = await status(rm);
    expect(staging.tag).toBe(a.id);
    expect(staging.intent).toBe('Rollback');
    expect(staging.autoReleasePaused).toMatchObject({
      failedArtifactId: b.id,
      reason: expect.stringContaining('rolled back automatically'),
    });
    expect(Date.parse(staging.autoReleasePaused.since)).not.toBeNaN();
    expect((await status(rm, 'dev')).autoReleasePaused).toBeUndefined();

    // A crash of the artifact rolled back to (a rollback) is left to people.
    await crashLoop(rm, a.id);
    expect(autoRollbackCommits(rm)).toHaveLength(1);

    // The history shows the rollback as automatic, with its reason.
    const history = await rm
      .http()
      .get(`/describe/release/${SERVICE}/staging?count=3`)
      .set(auth);
    expect(history.body.releases[0]).toMatchObject({
      intent: 'Rollback',
      releasedByName: 'Slipway auto-rollback',
      autoRollback: {
        trigger: 'rollout-failed',
        failedArtifactId: b.id,
        reason: expect.stringContaining('CrashLoopBackOff'),
      },
    });
    expect(history.body.releases[1].autoRollback).toBeUndefined();

    const list = await rm
      .http()
      .get(`/auto-rollbacks?service=${SERVICE}&environment=staging`)
      .set(auth);
    expect(list.body.autoRollbacks).toEqual([
      expect.objectContaining({
        failedArtifactId: b.id,
        trigger: 'rollout-failed',
        state: 'rolled-back',
        rolledBackTo: a.id,
        commit: commits[0],
      }),
    ]);

    const events = await rm
      .http()
      .get(`/events?service=${SERVICE}&limit=100`)
      .set(auth);
    const auto = events.body.events.filter(
      (e: any) => e.type === 'auto-rollback',
    );
    expect(auto).toHaveLength(1);
    expect(auto[0]).toMatchObject({
      environment: 'staging',
      artifactId: a.id,
      actorName: 'Slipway auto-rollback',
      data: { state: 'rolled-back', failedArtifactId: b.id },
    });
    expect(auto[0].message).toContain(
      `rolled back automatically in staging from ${b.id} to ${a.id}`,
    );
  });

  it('rolls back during a freeze window (rollbacks are never frozen), while releases stay refused', async () => {
    const { a, b } = await twoReleases(rm);
    await applyPolicy(rm, { onRolloutFailure: true }).expect(201);
    await rm
      .http()
      .post('/freezes')
      .set(auth)
      .send({
        service: SERVICE,
        environment: 'staging',
        reason: 'Release party',
        from: new Date(Date.now() - 60_000).toISOString(),
        to: new Date(Date.now() + 3_600_000).toISOString(),
        ...jane,
      })
      .expect(201);
    const c = await push(rm, SERVICE);
    const refused = await release(rm, {
      service: SERVICE,
      environment: 'staging',
      artifactId: c.id,
    });
    expect(refused.status).toBe(409);
    await crashLoop(rm, b.id);
    expect(autoRollbackCommits(rm)).toHaveLength(1);
    expect((await status(rm)).tag).toBe(a.id);
  });

  it('does nothing without a policy, for another environment, or for an artifact that no longer runs', async () => {
    const { b } = await twoReleases(rm);
    await crashLoop(rm, b.id);
    expect(autoRollbackCommits(rm)).toHaveLength(0);

    await applyPolicy(rm, { environment: 'prod', onRolloutFailure: true });
    await crashLoop(rm, b.id);
    expect(autoRollbackCommits(rm)).toHaveLength(0);

    await applyPolicy(rm, { onRolloutFailure: true });
    const old = await push(rm, SERVICE);
    await crashLoop(rm, old.id); // not what runs in staging
    expect(autoRollbackCommits(rm)).toHaveLength(0);
    expect((await status(rm)).tag).toBe(b.id);
  });

  it('records a rollback that cannot happen (no earlier release) once, and pauses nothing', async () => {
    const only = await push(rm, SERVICE);
    await release(rm, {
      service: SERVICE,
      environment: 'staging',
      artifactId: only.id,
    });
    await applyPolicy(rm, { onRolloutFailure: true });
    await Promise.all([crashLoop(rm, only.id), crashLoop(rm, only.id)]);
    expect(autoRollbackCommits(rm)).toHaveLength(0);
    const list = await rm
      .http()
      .get(`/auto-rollbacks?service=${SERVICE}`)
      .set(auth);
    expect(list.body.autoRollbacks).toEqual([
      expect.objectContaining({
        state: 'failed',
        message: expect.stringContaining('no earlier release'),
      }),
    ]);
    expect((await status(rm)).autoReleasePaused).toBeUndefined();
    const events = await rm
      .http()
      .get(`/events?service=${SERVICE}&limit=100`)
      .set(auth);
    expect(
      events.body.events.filter((e: any) => e.type === 'auto-rollback'),
    ).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('automatic rollback of ledger'),
        data: expect.objectContaining({ state: 'failed' }),
      }),
    ]);
  });

  it('pauses auto-release after a rollback until resumed; an upload while paused does not release', async () => {
    const { a, b } = await twoReleases(rm);
    await rm
      .http()
      .patch('/policies/auto-release')
      .set(auth)
      .send({
        service: SERVICE,
        branch: 'main',
        environment: 'staging',
        ...jane,
      })
      .expect(201);
    await applyPolicy(rm, { onRolloutFailure: true });
    await crashLoop(rm, b.id);
    expect((await status(rm)).tag).toBe(a.id);

    // Paused: the new artifact is stored but not released, and the answer and feed say why.
    const c = spec(SERVICE);
    const upload = await rm
      .http()
      .post('/artifacts/create')
      .set(auth)
      .send({ artifact: c, manifests: manifests(SERVICE) });
    expect(upload.status).toBe(201);
    expect(upload.body.autoReleases).toEqual([
      {
        environment: 'staging',
        status: expect.stringMatching(
          /^paused: auto-release to staging is paused since .* \(rolled back automatically: the rollout of .* failed: .*\); release by hand or resume auto-release$/,
        ),
      },
    ]);
    expect((await status(rm)).tag).toBe(a.id);
    const feed = await rm
      .http()
      .get(`/events?service=${SERVICE}&limit=100`)
      .set(auth);
    expect(
      feed.body.events.find(
        (e: any) => e.type === 'auto-release-paused' && e.artifactId === c.id,
      )?.message,
    ).toContain(`${c.id} not auto-released`);

    // Resume through the API: the next upload is released again.
    const resumed = await rm
      .http()
      .post('/auto-release/resume')
      .set(auth)
      .send({ service: SERVICE, environment: 'staging', ...jane });
    expect(resumed.body).toEqual({
      service: SERVICE,
      environment: 'staging',
      resumed: true,
    });
    expect((await status(rm)).autoReleasePaused).toBeUndefined();
    const again = await rm
      .http()
      .post('/auto-release/resume')
      .set(auth)
      .send({ service: SERVICE, environment: 'staging', ...jane });
    expect(again.body.resumed).toBe(false);
    const d = await push(rm, SERVICE);
    expect((await status(rm)).tag).toBe(d.id);
    expect(subjects(rm)[0]).toBe(`[staging/${SERVICE}] auto-release ${d.id}`);
  });

  it('a release by a person resumes auto-release', async () => {
    const { a, b } = await twoReleases(rm);
    await applyPolicy(rm, { onRolloutFailure: true });
    await crashLoop(rm, b.id);
    expect((await status(rm)).autoReleasePaused).toBeDefined();
    const c = await push(rm, SERVICE);
    await release(rm, {
      service: SERVICE,
      environment: 'staging',
      artifactId: c.id,
    }).expect(200);
    expect((await status(rm)).autoReleasePaused).toBeUndefined();
    const feed = await rm
      .http()
      .get(`/events?service=${SERVICE}&limit=100`)
      .set(auth);
    expect(
      feed.body.events.find((e: any) => e.type === 'auto-release-resumed')
        ?.message,
    ).toBe(
      `auto-release of ${SERVICE} to staging resumed by Jane Doe (released ReleaseArtifact by hand)`,
    );
    expect(a.id).not.toBe(c.id);
  });

  it('rolls back a release not ready within N minutes (a sweep on the release time from git, restart-safe)', async () => {
    const { a, b } = await twoReleases(rm);
    await applyPolicy(rm, { notReadyWithinMinutes: 10 });
    // Half ready: progressing.
    await rm
      .http()
      .post('/webhook/daemon/k8s/deploy')
      .set(auth)
      .send({
        name: SERVICE,
        namespace: 'payments',
        resourceType: 'Deployment',
        availablePods: 1,
        replicas: 2,
        artifactId: b.id,
        environment: 'staging',
      })
      .expect(200);
    const m = rm.manager;
    const at = (minutes: number) =>
      new AutoRollbackService({
        policies: m.autoRollbackPolicies,
        store: m.autoRollbackStore,
        pauses: m.autoReleasePauses,
        releases: m.releases,
        status: m.status,
        directory: m.directory,
        events: m.events,
        now: () => Date.now() + minutes * 60_000,
      });
    expect(await at(0).sweep()).toBe(0);
    expect(await at(9).sweep()).toBe(0);
    expect(autoRollbackCommits(rm)).toHaveLength(0);

    // After a restart on the same data, the timer still counts from the release commit.
    const dataDir = rm.dataDir;
    await rm.stop();
    rm = await start({ dataDir });
    const n = rm.manager;
    const later = new AutoRollbackService({
      policies: n.autoRollbackPolicies,
      store: n.autoRollbackStore,
      pauses: n.autoReleasePauses,
      releases: n.releases,
      status: n.status,
      directory: n.directory,
      events: n.events,
      now: () => Date.now() + 11 * 60_000,
    });
    const [x, y] = await Promise.all([later.sweep(), later.sweep()]);
    expect(x + y).toBe(1);
    expect(await later.sweep()).toBe(0);
    expect(autoRollbackCommits(rm)).toHaveLength(1);
    const message = rm.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Auto-Rollback-Trigger: not-ready');
    expect(message).toContain(
      `Auto-Rollback-Reason: ${b.id} was not ready within 10 min of its release (1/2 ready)`,
    );
    expect((await status(rm)).tag).toBe(a.id);

    // A claim survives restarts: the same failed release is never claimed again.
    await rm.stop();
    rm = await start({ dataDir });
    const store = rm.manager.autoRollbackStore;
    const claim = (failedArtifactId: string) => ({
      service: SERVICE,
      environment: 'staging',
      failedArtifactId,
      trigger: 'not-ready' as const,
      reason: 'again',
    });
    expect(await store.claim(claim(b.id), 0)).toBe(false);
    // A claim left pending (its process stopped before rolling back) is taken over
    // once it is stale, by one caller only.
    expect(await store.claim(claim('main-pending'))).toBe(true);
    expect(await store.claim(claim('main-pending'))).toBe(false);
    await rm.manager.db
      .knex('rm_auto_rollbacks')
      .where({ failed_artifact_id: 'main-pending' })
      .update({ updated_at: new Date(Date.now() - 3_600_000).toISOString() });
    const takeovers = await Promise.all([
      store.claim(claim('main-pending')),
      store.claim(claim('main-pending')),
      store.claim(claim('main-pending')),
    ]);
    expect(takeovers.filter(Boolean)).toEqual([true]);
    expect(await store.claim(claim('main-pending'))).toBe(false);
  });

  it('a ready release is never rolled back by the not-ready timer', async () => {
    const { b } = await twoReleases(rm);
    await applyPolicy(rm, { notReadyWithinMinutes: 5 });
    await rm
      .http()
      .post('/webhook/daemon/k8s/deploy')
      .set(auth)
      .send({
        name: SERVICE,
        namespace: 'payments',
        resourceType: 'Deployment',
        availablePods: 2,
        replicas: 2,
        artifactId: b.id,
        environment: 'staging',
      })
      .expect(200);
    const m = rm.manager;
    const later = new AutoRollbackService({
      policies: m.autoRollbackPolicies,
      store: m.autoRollbackStore,
      pauses: m.autoReleasePauses,
      releases: m.releases,
      status: m.status,
      directory: m.directory,
      events: m.events,
      now: () => Date.now() + 60 * 60_000,
    });
    expect(await later.sweep()).toBe(0);
    expect(autoRollbackCommits(rm)).toHaveLength(0);
  });

  it('rolls back when health turns red within N minutes of the release, not later and not when it was red already', async () => {
    const { a, b } = await twoReleases(rm);
    await applyPolicy(rm, { healthRedWithinMinutes: 15 });
    const m = rm.manager;
    const at = (minutes: number) =>
      new AutoRollbackService({
        policies: m.autoRollbackPolicies,
        store: m.autoRollbackStore,
        pauses: m.autoReleasePauses,
        releases: m.releases,
        status: m.status,
        directory: m.directory,
        events: m.events,
        now: () => Date.now() + minutes * 60_000,
      });
    const green = { health: { light: 'green' } };
    const red = { health: { light: 'red', reason: 'error ratio 8 % > 5 %' } };
    // Red before and after: no change to red.
    await at(1).healthChanged({
      service: SERVICE,
      previous: red,
      current: red,
    });
    // Turned red, but 20 minutes after the release.
    await at(20).healthChanged({
      service: SERVICE,
      previous: green,
      current: red,
    });
    // Another environment's light turned red; staging's stays green.
    await at(1).healthChanged({
      service: SERVICE,
      previous: green,
      current: {
        health: { light: 'red' },
        environments: { staging: { light: 'green' }, prod: { light: 'red' } },
      },
    });
    expect(autoRollbackCommits(rm)).toHaveLength(0);

    await Promise.all([
      at(3).healthChanged({ service: SERVICE, previous: green, current: red }),
      at(3).healthChanged({ service: SERVICE, previous: green, current: red }),
    ]);
    expect(autoRollbackCommits(rm)).toHaveLength(1);
    const message = rm.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Auto-Rollback-Trigger: health-red');
    expect(message).toMatch(
      /Auto-Rollback-Reason: health turned red \d+ min after the release of .* \(error ratio 8 % > 5 %\)/,
    );
    expect((await status(rm)).tag).toBe(a.id);
    expect((await status(rm)).autoReleasePaused.failedArtifactId).toBe(b.id);
  });
});

describe('automatic rollback on health from the signals webhook', () => {
  let rm: Running;
  beforeEach(async () => {
    rm = await start();
  });
  afterEach(async () => {
    await rm?.stop();
  });

  it('rolls back once when the pushed light of the environment turns red soon after the release', async () => {
    const { a, b } = await twoReleases(rm);
    await applyPolicy(rm, { healthRedWithinMinutes: 15 }).expect(201);
    const put = (light: string, environments?: object) =>
      rm
        .http()
        .put(`/webhook/signals/${SERVICE}`)
        .set(auth)
        .send({
          health: { light, reason: `${light} light` },
          ...(environments ? { environments } : {}),
          incidents: [],
          observedAt: new Date().toISOString(),
        })
        .expect(200);
    await put('green');
    expect(autoRollbackCommits(rm)).toHaveLength(0);
    await put('red', {
      staging: { light: 'red', reason: 'p99 latency 2.1 s > 1 s' },
    });
    await put('red', { staging: { light: 'red', reason: 'still red' } });
    expect(autoRollbackCommits(rm)).toHaveLength(1);
    const message = rm.git('log', '-1', '--format=%B', 'main');
    expect(message).toContain('Auto-Rollback-Trigger: health-red');
    expect(message).toContain('(p99 latency 2.1 s > 1 s)');
    expect((await status(rm)).tag).toBe(a.id);
    expect((await status(rm)).autoReleasePaused.failedArtifactId).toBe(b.id);
  });
});

describe('automatic rollback policy routes', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
    await push(rm, SERVICE);
  });
  afterAll(async () => {
    await rm?.stop();
  });

  it('applies, lists, replaces and deletes the policy beside the Lunar policies, which keep their answers', async () => {
    // Lunar's answer without automatic rollback policies has no new field.
    const before = await rm
      .http()
      .get(`/policies?service=${SERVICE}`)
      .set(auth);
    expect(Object.keys(before.body).sort()).toEqual([
      'autoReleases',
      'branchRestrictions',
      'service',
    ]);
    await rm
      .http()
      .patch('/policies/auto-release')
      .set(auth)
      .send({ service: SERVICE, branch: 'main', environment: 'dev', ...jane })
      .expect(201);

    const applied = await applyPolicy(rm, {
      onRolloutFailure: true,
      notReadyWithinMinutes: 10,
    });
    expect(applied.status).toBe(201);
    expect(applied.body).toEqual({
      id: 'auto-rollback-staging',
      service: SERVICE,
      environment: 'staging',
      onRolloutFailure: true,
      notReadyWithinMinutes: 10,
    });
    expect(subjects(rm)[0]).toBe(
      `[policies/${SERVICE}] apply auto-rollback on staging (rollout failure, not ready within 10 min)`,
    );
    // Replaced in place.
    await applyPolicy(rm, { healthRedWithinMinutes: 30 }).expect(201);
    // A Lunar policy change keeps the automatic rollback policy in the file.
    await rm
      .http()
      .patch('/policies/branch-restriction')
      .set(auth)
      .send({
        service: SERVICE,
        environment: 'dev',
        branchRegex: 'main',
        ...jane,
      })
      .expect(201);
    const listed = await rm
      .http()
      .get(`/policies?service=${SERVICE}`)
      .set(auth);
    expect(listed.body.autoReleases).toHaveLength(1);
    expect(listed.body.autoRollbacks).toEqual([
      {
        id: 'auto-rollback-staging',
        environment: 'staging',
        onRolloutFailure: false,
        healthRedWithinMinutes: 30,
      },
    ]);
    const file = JSON.parse(rm.git('show', `main:policies/${SERVICE}.json`));
    expect(Object.keys(file)).toEqual([
      'service',
      'autoReleases',
      'branchRestrictions',
      'autoRollbacks',
    ]);

    // Deleted by its own route, or by id through Lunar's DELETE /policies.
    await rm
      .http()
      .delete('/policies/auto-rollback')
      .set(auth)
      .send({ service: SERVICE, environment: 'staging', ...jane })
      .expect(200, { service: SERVICE, count: 1 });
    const gone = await rm
      .http()
      .delete('/policies/auto-rollback')
      .set(auth)
      .send({ service: SERVICE, environment: 'staging', ...jane });
    expect(gone.status).toBe(404);
    expect(gone.body.message).toBe(
      `no automatic rollback policy exists for '${SERVICE}' in 'staging'`,
    );
    await applyPolicy(rm, { environment: 'prod', onRolloutFailure: true });
    await rm
      .http()
      .delete('/policies')
      .set(auth)
      .send({ service: SERVICE, policyIds: ['auto-rollback-prod'], ...jane })
      .expect(200, { service: SERVICE, count: 1 });
    const after = await rm.http().get(`/policies?service=${SERVICE}`).set(auth);
    expect(after.body.autoRollbacks).toBeUndefined();
    expect(after.body.autoReleases).toHaveLength(1);
  });

  it('answers bad input with a 400 naming the field, unknown names with 404', async () => {
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{}, 400, /at least one trigger is required/],
      [{ onRolloutFailure: false }, 400, /at least one trigger is required/],
      [{ notReadyWithinMinutes: 0 }, 400, /notReadyWithinMinutes/],
      [{ healthRedWithinMinutes: 1.5 }, 400, /healthRedWithinMinutes/],
      [{ notReadyWithinMinutes: 2000 }, 400, /notReadyWithinMinutes/],
      [{ onRolloutFailure: 'yes' }, 400, /onRolloutFailure/],
      [{ onRolloutFailure: true, committerEmail: 'x' }, 400, /committerEmail/],
      [{ onRolloutFailure: true, environment: 'Prod' }, 400, /environment/],
      [{ onRolloutFailure: true, environment: 'qa' }, 404, /qa/],
      [{ onRolloutFailure: true, service: 'nope' }, 404, /nope/],
    ];
    for (const [body, code, message] of cases) {
      const res = await applyPolicy(rm, body);
      expect([res.status, res.body.message]).toEqual([
        code,
        expect.stringMatching(message),
      ]);
    }
    const resume = await rm
      .http()
      .post('/auto-release/resume')
      .set(auth)
      .send({ service: SERVICE, ...jane });
    expect(resume.status).toBe(400);
    expect(resume.body.message).toMatch(/environment/);
    const list = await rm.http().get('/auto-rollbacks').set(auth);
    expect(list.status).toBe(400);
    expect(list.body.message).toMatch(/service/);
    const unauthorized = await rm
      .http()
      .post('/auto-release/resume')
      .send({ service: SERVICE, environment: 'staging', ...jane });
    expect(unauthorized.status).toBe(401);
  });
});
