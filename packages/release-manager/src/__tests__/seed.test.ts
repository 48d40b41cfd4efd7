import { ReleaseManagerClient } from '../client';
import {
  seed,
  SEED_AUTO_RELEASE,
  SEED_CRASHLOOP,
  SEED_PROGRESSING,
  SEED_SERVICES,
} from '../seed';
import { Running, start, TOKEN } from '../__testUtils__/helpers';

describe('seed', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
  });
  afterAll(async () => {
    await rm.stop();
  });

  it('fills an empty release manager with history, policies and rollout states, once', async () => {
    const client = new ReleaseManagerClient({ baseUrl: rm.url, token: TOKEN });
    const first = await seed(client);
    expect(first.skipped).toBe(false);
    expect(first.releases).toBeGreaterThan(60);
    expect((await client.services()).services).toEqual(
      SEED_SERVICES.map(s => s.name).sort(),
    );

    for (const s of SEED_SERVICES) {
      const st = await client.status(s.name);
      for (const env of st.environments) expect(env.tag).toBeTruthy();
      expect(st.prod!.branch).toBe('main');
      const history = await client.describeRelease(s.name, 'prod', 10);
      expect(history.releases.length).toBeGreaterThanOrEqual(2);
      const artifacts = await client.describeArtifact(s.name, 10);
      expect(
        new Set(artifacts.artifacts.map(a => a.application.branch)).size,
      ).toBe(2);
    }
    const progressing = await client.status(SEED_PROGRESSING.service);
    expect(progressing.prod!.rollout).toMatchObject({
      phase: 'progressing',
      availableReplicas: 2,
      desiredReplicas: 5,
    });
    const crash = await client.status(SEED_CRASHLOOP.service);
    expect(crash.staging!.rollout!.phase).toBe('failed');
    expect(crash.staging!.rollout!.errors[0]).toMatchObject({
      container: SEED_CRASHLOOP.service,
      reason: 'CrashLoopBackOff',
    });
    expect(crash.staging!.rollout!.errors[0].logs!.length).toBeGreaterThan(2);
    const healthy = await client.status('ledger');
    expect(healthy.prod!.rollout!.phase).toBe('succeeded');
    expect(healthy.prod!.intent).toBe('Rollback');
    for (const name of SEED_AUTO_RELEASE) {
      const p = await client.policies(name);
      expect(p.autoReleases).toEqual([
        { id: 'auto-release-main-dev', branch: 'main', environment: 'dev' },
      ]);
      expect((await client.status(name)).dev!.intent).toBe('AutoRelease');
    }
    const feed = await client.events({ limit: 1000 });
    expect(new Set(feed.events.map(e => e.type))).toEqual(
      new Set([
        'artifact',
        'release',
        'promote',
        'rollback',
        'auto-release',
        'policy',
        'rollout',
      ]),
    );

    const head = rm.git('rev-parse', 'main');
    expect(await seed(client)).toEqual({ skipped: true, releases: 0 });
    expect(rm.git('rev-parse', 'main')).toBe(head);
  });
});
