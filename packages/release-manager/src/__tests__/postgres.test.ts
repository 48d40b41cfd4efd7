import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  auth,
  jane,
  push,
  release,
  Running,
  start,
  tmpDir,
} from '../__testUtils__/helpers';

/**
 * Runs the release manager on a real PostgreSQL: a throw-away cluster started
 * from the Debian `postgresql` binaries (as the `postgres` user when run as
 * root), or the server at RELEASE_MANAGER_TEST_POSTGRES_URL.
 *
 * Every server binary is found by absolute path, so the test runs with a
 * minimal PATH (`/usr/local/bin:/usr/bin:/bin`, where `runuser` is missing):
 * the newest `/usr/lib/postgresql/<major>/bin` holding `initdb`, and
 * `runuser` from `/usr/sbin` or `/sbin`.
 */
const PG_BIN = (() => {
  const base = '/usr/lib/postgresql';
  const majors = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter(v => /^\d+$/.test(v))
        .sort((x, y) => Number(y) - Number(x))
    : [];
  return majors
    .map(v => path.join(base, v, 'bin'))
    .find(d => fs.existsSync(path.join(d, 'initdb')));
})();
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser'].find(p =>
  fs.existsSync(p),
);
const CHOWN = ['/usr/bin/chown', '/bin/chown'].find(p => fs.existsSync(p));
const external = process.env.RELEASE_MANAGER_TEST_POSTGRES_URL;
const available = Boolean(external || PG_BIN);

async function freePort(): Promise<number> {
  return new Promise(resolve => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function asPostgres(cmd: string, args: string[]) {
  const root = process.getuid?.() === 0;
  if (root && !RUNUSER) {
    throw new Error('runuser not found in /usr/sbin or /sbin (util-linux)');
  }
  return execFileSync(
    root ? RUNUSER! : cmd,
    root ? ['-u', 'postgres', '--', cmd, ...args] : args,
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

(available ? describe : describe.skip)('release manager on PostgreSQL', () => {
  let pgDir: string | undefined;
  let url: string;
  beforeAll(async () => {
    if (external) {
      url = external;
      return;
    }
    pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rm-pg-'));
    fs.chmodSync(pgDir, 0o777);
    const data = path.join(pgDir, 'data');
    const port = await freePort();
    if (process.getuid?.() === 0)
      execFileSync(CHOWN ?? 'chown', ['postgres', pgDir]);
    asPostgres(path.join(PG_BIN!, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
    ]);
    asPostgres(path.join(PG_BIN!, 'pg_ctl'), [
      '-D',
      data,
      '-w',
      '-l',
      path.join(pgDir, 'log'),
      '-o',
      `-p ${port} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  });
  afterAll(() => {
    if (pgDir) {
      asPostgres(path.join(PG_BIN!, 'pg_ctl'), [
        '-D',
        path.join(pgDir, 'data'),
        '-m',
        'immediate',
        'stop',
      ]);
      fs.rmSync(pgDir, { recursive: true, force: true });
    }
  });

  it('stores rollout events and the feed in PostgreSQL, serializes two replicas through its lock, and survives a restart', async () => {
    const database = { client: 'pg' as const, connection: url };
    const repoDir = tmpDir();
    const a: Running = await start({ database, dataDir: repoDir });
    const b: Running = await start({
      database,
      configRepo: { url: a.config.configRepo.url },
      artifacts: { directory: a.config.artifacts.directory },
    });
    try {
      const specs = [];
      for (let i = 0; i < 6; i++) specs.push(await push(a, `pg-svc-${i % 3}`));
      // Two replicas on one database: the lock row serializes their writes, so no push is rejected.
      const results = await Promise.all(
        specs.map((s, i) =>
          release(i % 2 ? a : b, {
            service: s.service,
            environment: 'dev',
            artifactId: s.id,
          }),
        ),
      );
      for (const r of results) expect(r.status).toBe(200);
      for (const server of [a, b]) {
        const m = await server.http().get('/metrics');
        expect(m.text).toMatch(/release_manager_git_push_retries_total 0\b/);
      }
      // Replicas see each other's commits at their next fetch (the idle poll; here by hand).
      await a.manager.repo.sync();
      await b.manager.repo.sync();
      const running = (await a.http().get('/status?service=pg-svc-0').set(auth))
        .body.dev.tag;
      await b.http().post('/webhook/daemon/k8s/deploy').set(auth).send({
        name: 'pg-svc-0',
        availablePods: 2,
        replicas: 2,
        artifactId: running,
        environment: 'dev',
      });
      // Rollout state written through one replica is seen by the other.
      const seen = await a.http().get('/status?service=pg-svc-0').set(auth);
      expect(seen.body.dev.rollout).toMatchObject({
        phase: 'succeeded',
        availableReplicas: 2,
      });
      const rows = await a.manager.db.knex('rm_events').count({ n: '*' });
      expect(Number(rows[0].n)).toBeGreaterThanOrEqual(13);
    } finally {
      await b.stop();
      await a.stop();
    }
    const again = await start({ database, dataDir: repoDir });
    try {
      const st = await again.http().get('/status?service=pg-svc-0').set(auth);
      expect(st.body.dev.rollout.phase).toBe('succeeded');
      const events = await again
        .http()
        .get('/events?service=pg-svc-0')
        .set(auth);
      expect(events.body.events.map((e: any) => e.type)).toContain('rollout');
      const rb = await again
        .http()
        .post('/rollback')
        .set(auth)
        .send({ service: 'pg-svc-1', environment: 'dev', ...jane });
      expect(rb.status).toBe(200);
    } finally {
      await again.stop();
    }
  });

  it('two replicas on one PostgreSQL roll a crash-looping release back exactly once', async () => {
    const database = { client: 'pg' as const, connection: url };
    const a: Running = await start({ database });
    const b: Running = await start({
      database,
      configRepo: { url: a.config.configRepo.url },
      artifacts: { directory: a.config.artifacts.directory },
    });
    try {
      const service = 'pg-rollback';
      const first = await push(a, service);
      const second = await push(a, service);
      for (const s of [first, second]) {
        expect(
          (
            await release(a, {
              service,
              environment: 'staging',
              artifactId: s.id,
            })
          ).status,
        ).toBe(200);
      }
      await a
        .http()
        .patch('/policies/auto-rollback')
        .set(auth)
        .send({
          service,
          environment: 'staging',
          onRolloutFailure: true,
          ...jane,
        })
        .expect(201);
      await b.manager.repo.sync();
      const crash = (server: Running) =>
        server
          .http()
          .post('/webhook/daemon/k8s/error')
          .set(auth)
          .send({
            podName: `${service}-x1`,
            environment: 'staging',
            artifactId: second.id,
            errors: [{ name: service, type: 'CrashLoopBackOff' }],
          });
      const answers = await Promise.all([a, b, a, b].map(crash));
      for (const r of answers) expect(r.status).toBe(200);
      await a.manager.repo.sync();
      const authors = a
        .git('log', '--format=%an', 'main')
        .split('\n')
        .filter(n => n === 'Slipway auto-rollback');
      expect(authors).toHaveLength(1);
      const rows = await a.manager.db
        .knex('rm_auto_rollbacks')
        .where({ service });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        state: 'rolled-back',
        rolled_back_to: first.id,
      });
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
