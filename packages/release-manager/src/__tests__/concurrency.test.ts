import { auth, jane, push, Running, start } from '../__testUtils__/helpers';
import { ArtifactSpec } from '../http/types';

/**
 * 60 concurrent releases over 10 services (6 each), sent to two release
 * managers that share one config repo but not a database lock, so pushes race
 * and the non-fast-forward retry path runs.
 */
describe('release manager: concurrent releases', () => {
  let a: Running;
  let b: Running;
  beforeAll(async () => {
    // Without a shared lock the two race on every push: allow plenty of retries.
    a = await start({ configRepo: { pushRetries: 30 } });
    b = await start({
      configRepo: { url: a.config.configRepo.url, pushRetries: 30 },
      artifacts: { directory: a.config.artifacts.directory },
    });
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  it('makes every accepted release exactly one commit, and the final state is the last accepted release', async () => {
    const services = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
    const artifacts = new Map<string, ArtifactSpec[]>();
    for (const s of services) {
      const list: ArtifactSpec[] = [];
      for (let i = 0; i < 3; i++) list.push(await push(a, s));
      artifacts.set(s, list);
    }
    const before = a.git('rev-parse', 'main').trim();
    const requests = [] as Array<{
      service: string;
      artifactId: string;
      server: Running;
    }>;
    for (let round = 0; round < 6; round++) {
      for (const [i, s] of services.entries()) {
        const list = artifacts.get(s)!;
        requests.push({
          service: s,
          artifactId: list[(round + i) % 3].id,
          server: (round + i) % 2 ? a : b,
        });
      }
    }
    const responses = await Promise.all(
      requests.map(r =>
        r.server
          .http()
          .post('/release')
          .set(auth)
          .send({
            service: r.service,
            environment: 'dev',
            artifactId: r.artifactId,
            intent: { type: 'ReleaseArtifact' },
            ...jane,
          }),
      ),
    );
    expect(responses).toHaveLength(60);
    for (const res of responses) expect([200]).toContain(res.status);
    const accepted = responses.filter(r => r.body.commit);
    const unchanged = responses.filter(r => !r.body.commit);
    for (const r of unchanged)
      expect(r.body.status).toBe('Environment is already up-to-date');

    // Every accepted release is one distinct commit carrying its artifact, touching only its service.
    const log = a
      .git('log', '--format=%H%x1f%B%x1e', `${before}..main`)
      .split('\x1e')
      .map(s => s.trim())
      .filter(Boolean)
      .map(rec => {
        const [sha, body] = rec.split('\x1f');
        return {
          sha,
          service: /Service: (.*)/.exec(body)![1],
          artifactId: /Artifact-ID: (.*)/.exec(body)![1],
        };
      });
    expect(log).toHaveLength(accepted.length);
    const bySha = new Map(log.map(c => [c.sha, c]));
    expect(new Set(accepted.map(r => r.body.commit)).size).toBe(
      accepted.length,
    );
    for (const r of accepted) {
      const c = bySha.get(r.body.commit);
      expect(c).toBeDefined();
      expect(c).toMatchObject({
        service: r.body.service,
        artifactId: r.body.releaseId,
      });
      const files = a
        .git('show', '--name-only', '--format=', r.body.commit)
        .trim()
        .split('\n');
      for (const f of files)
        expect(f.startsWith(`dev/releases/payments/${r.body.service}/`)).toBe(
          true,
        );
    }
    // Consecutive commits of one service never repeat the artifact (an unchanged release makes none).
    for (const s of services) {
      const mine = log.filter(c => c.service === s).reverse();
      for (let i = 1; i < mine.length; i++)
        expect(mine[i].artifactId).not.toBe(mine[i - 1].artifactId);
    }

    // The final state is the newest commit's artifact, on both servers and in the repo.
    await a.manager.repo.sync();
    await b.manager.repo.sync();
    for (const s of services) {
      const newest = log.find(c => c.service === s);
      expect(newest).toBeDefined();
      const file = JSON.parse(
        a.git('show', `main:dev/releases/payments/${s}/artifact.json`),
      );
      expect(file.id).toBe(newest!.artifactId);
      for (const server of [a, b]) {
        const st = await server.http().get(`/status?service=${s}`).set(auth);
        expect(st.body.dev.tag).toBe(file.id);
      }
    }
    // Nothing unpushed stays in either clone.
    for (const server of [a, b]) {
      expect(await server.manager.repo.hasUnpushedCommits()).toBe(false);
    }
  });
});
