import crypto from 'node:crypto';
import { auth, jane, push, release, start } from '../__testUtils__/helpers';

describe('release manager: restart', () => {
  it('keeps state, history, policies and rollout events across a restart', async () => {
    const first = await start();
    const { dataDir } = first;
    const a1 = await push(first, 'svc-restart');
    const a2 = await push(first, 'svc-restart');
    await release(first, {
      service: 'svc-restart',
      environment: 'dev',
      artifactId: a1.id,
    });
    await release(first, {
      service: 'svc-restart',
      environment: 'dev',
      artifactId: a2.id,
    });
    await first
      .http()
      .patch('/policies/auto-release')
      .set(auth)
      .send({
        service: 'svc-restart',
        branch: 'main',
        environment: 'dev',
        ...jane,
      });
    await first.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
      name: 'svc-restart',
      availablePods: 1,
      replicas: 3,
      artifactId: a2.id,
      environment: 'dev',
    });
    // Flux `generic` provider with the bearer token in its headers.
    await first
      .http()
      .post('/webhook/flux/dev')
      .set(auth)
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({
          involvedObject: { kind: 'Kustomization', name: 'svc-restart' },
          severity: 'info',
          message: 'Reconciliation finished',
          reason: 'ReconciliationSucceeded',
        }),
      );
    const statusBefore = (
      await first.http().get('/status?service=svc-restart').set(auth)
    ).body;
    const eventsBefore = (
      await first.http().get('/events?service=svc-restart').set(auth)
    ).body;
    await first.stop();

    const second = await start({ dataDir });
    try {
      // Release info was read in one walk at startup: status spawns no `git log`.
      const log = jest.spyOn(second.manager.repo, 'log');
      const status = await second
        .http()
        .get('/status?service=svc-restart')
        .set(auth);
      expect(log).not.toHaveBeenCalled();
      log.mockRestore();
      expect(status.body).toEqual(statusBefore);
      expect(status.body.dev).toMatchObject({
        tag: a2.id,
        rollout: {
          phase: 'progressing',
          availableReplicas: 1,
          desiredReplicas: 3,
        },
      });
      const history = await second
        .http()
        .get('/describe/release/svc-restart/dev?count=5')
        .set(auth);
      expect(history.body.releases.map((r: any) => r.artifact.id)).toEqual([
        a2.id,
        a1.id,
      ]);
      const policies = await second
        .http()
        .get('/policies?service=svc-restart')
        .set(auth);
      expect(policies.body.autoReleases).toEqual([
        { id: 'auto-release-main-dev', branch: 'main', environment: 'dev' },
      ]);
      const events = await second
        .http()
        .get('/events?service=svc-restart')
        .set(auth);
      expect(events.body).toEqual(eventsBefore);
      expect(events.body.events.length).toBeGreaterThanOrEqual(6);
      const artifacts = await second
        .http()
        .get('/describe/artifact/svc-restart?count=5')
        .set(auth);
      expect(artifacts.body.artifacts.map((x: any) => x.id)).toEqual([
        a2.id,
        a1.id,
      ]);
      // And it still releases.
      const rb = await second
        .http()
        .post('/rollback')
        .set(auth)
        .send({ service: 'svc-restart', environment: 'dev', ...jane });
      expect(rb.status).toBe(200);
      expect(rb.body.newArtifactId).toBe(a1.id);
    } finally {
      await second.stop();
    }
    expect(crypto.randomUUID()).toBeTruthy();
  });

  it('cleans up events older than the retention, keeping the latest rollout state', async () => {
    const rm = await start({ retentionDays: 30 });
    try {
      const a = await push(rm, 'svc-prune');
      await release(rm, {
        service: 'svc-prune',
        environment: 'dev',
        artifactId: a.id,
      });
      for (const available of [1, 3]) {
        await rm.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
          name: 'svc-prune',
          availablePods: available,
          replicas: 3,
          artifactId: a.id,
          environment: 'dev',
        });
      }
      const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
      const db = rm.manager.db.knex;
      await db('rm_rollout_events').update({ created_at: old });
      await db('rm_events')
        .where({ type: 'artifact' })
        .update({ created_at: old });
      const deleted = await rm.manager.db.prune(30);
      expect(deleted).toBe(2); // the older deploy event and the artifact event
      const st = await rm.http().get('/status?service=svc-prune').set(auth);
      expect(st.body.dev.rollout).toMatchObject({
        phase: 'succeeded',
        availableReplicas: 3,
      });
      const feed = await rm.http().get('/events?service=svc-prune').set(auth);
      expect(feed.body.events.map((e: any) => e.type)).not.toContain(
        'artifact',
      );
      expect(feed.body.events.map((e: any) => e.type)).toContain('release');
    } finally {
      await rm.stop();
    }
  });
});
