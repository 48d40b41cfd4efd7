import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  auth,
  push,
  release,
  Running,
  start,
  subjects,
} from '../__testUtils__/helpers';

/** The local clone holds nothing the remote does not: no unpushed commit, no stray branch tip. */
async function workingCopyClean(rm: Running) {
  const local = execFileSync('git', ['rev-parse', 'refs/heads/main'], {
    cwd: rm.config.configRepo.workdir,
    encoding: 'utf8',
  }).trim();
  const remote = fs.existsSync(rm.config.configRepo.url)
    ? rm.git('rev-parse', 'main').trim()
    : undefined;
  return (
    !(await rm.manager.repo.hasUnpushedCommits()) &&
    (remote === undefined || local === remote)
  );
}

describe('release manager: config repo faults', () => {
  let rm: Running;
  beforeEach(async () => {
    rm = await start();
  });
  afterEach(async () => {
    await rm.stop();
  });

  it('answers 503 while the remote is unreachable, stays clean, and releases once it is back', async () => {
    const a = await push(rm, 'svc-fault');
    const b = await push(rm, 'svc-fault');
    expect(
      (
        await release(rm, {
          service: 'svc-fault',
          environment: 'dev',
          artifactId: a.id,
        })
      ).status,
    ).toBe(200);
    const bare = rm.config.configRepo.url;
    const away = `${bare}.away`;
    fs.renameSync(bare, away);
    try {
      const res = await release(rm, {
        service: 'svc-fault',
        environment: 'dev',
        artifactId: b.id,
      });
      expect(res.status).toBe(503);
      expect(res.body.status).toBe(503);
      expect(res.body.message).toMatch(/unreachable|cannot|refused/);
      expect(await workingCopyClean(rm)).toBe(true);
      const pol = await rm
        .http()
        .patch('/policies/auto-release')
        .set(auth)
        .send({
          service: 'svc-fault',
          branch: 'main',
          environment: 'dev',
          committerName: 'J',
          committerEmail: 'j@x.io',
        });
      expect(pol.status).toBe(503);
      // Reads keep working from the last known state.
      const st = await rm.http().get('/status?service=svc-fault').set(auth);
      expect(st.body.dev.tag).toBe(a.id);
    } finally {
      fs.renameSync(away, bare);
    }
    const again = await release(rm, {
      service: 'svc-fault',
      environment: 'dev',
      artifactId: b.id,
    });
    expect(again.status).toBe(200);
    expect(again.body.releaseId).toBe(b.id);
    expect(subjects(rm)[0]).toBe(`[dev/svc-fault] release ${b.id}`);
    expect(await workingCopyClean(rm)).toBe(true);
  });

  it('answers 503 when the remote rejects the push, leaves no local commit behind, and recovers', async () => {
    const a = await push(rm, 'svc-reject');
    const hook = path.join(rm.config.configRepo.url, 'hooks', 'pre-receive');
    fs.writeFileSync(
      hook,
      '#!/bin/sh\necho "protected branch: pushes are frozen" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    const head = rm.git('rev-parse', 'main').trim();
    const res = await release(rm, {
      service: 'svc-reject',
      environment: 'dev',
      artifactId: a.id,
    });
    expect(res.status).toBe(503);
    expect(res.body.message).toContain('refused the push');
    expect(rm.git('rev-parse', 'main').trim()).toBe(head);
    expect(await workingCopyClean(rm)).toBe(true);
    const local = execFileSync('git', ['rev-parse', 'refs/heads/main'], {
      cwd: rm.config.configRepo.workdir,
      encoding: 'utf8',
    }).trim();
    expect(local).toBe(head);
    const st = await rm.http().get('/status?service=svc-reject').set(auth);
    expect(st.body.dev.tag).toBeUndefined();

    fs.rmSync(hook);
    const ok = await release(rm, {
      service: 'svc-reject',
      environment: 'dev',
      artifactId: a.id,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('');
  });

  it('picks up commits other writers pushed', async () => {
    const a = await push(rm, 'svc-external');
    await release(rm, {
      service: 'svc-external',
      environment: 'dev',
      artifactId: a.id,
    });
    // Someone else pushes to the config repo.
    const other = path.join(rm.dataDir, 'other-clone');
    execFileSync('git', ['clone', '-q', rm.config.configRepo.url, other]);
    fs.writeFileSync(path.join(other, 'NOTES.md'), 'hello\n');
    execFileSync('git', ['add', 'NOTES.md'], { cwd: other });
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Other',
        '-c',
        'user.email=o@x.io',
        'commit',
        '-qm',
        'notes',
      ],
      { cwd: other },
    );
    execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd: other });
    const b = await push(rm, 'svc-external');
    const res = await release(rm, {
      service: 'svc-external',
      environment: 'dev',
      artifactId: b.id,
    });
    expect(res.status).toBe(200);
    expect(subjects(rm).slice(0, 2)).toEqual([
      `[dev/svc-external] release ${b.id}`,
      'notes',
    ]);
  });

  it('retries a push that another writer beat (non-fast-forward), redoing the release on the new head', async () => {
    const a = await push(rm, 'svc-race');
    // The fast-import writer of the config repo's write queue.
    const writer = (rm.manager.repo as any).writer;
    const original = writer.write.bind(writer);
    let raced = false;
    const spy = jest
      .spyOn(writer, 'write')
      .mockImplementation(async (...args: any[]) => {
        const shas = await original(...args);
        if (!raced) {
          raced = true;
          // Another writer pushes between our fetch and our push.
          const other = path.join(rm.dataDir, 'racer');
          execFileSync('git', ['clone', '-q', rm.config.configRepo.url, other]);
          fs.writeFileSync(path.join(other, 'RACE.md'), 'first\n');
          execFileSync('git', ['add', 'RACE.md'], { cwd: other });
          execFileSync(
            'git',
            [
              '-c',
              'user.name=Racer',
              '-c',
              'user.email=r@x.io',
              'commit',
              '-qm',
              'race',
            ],
            { cwd: other },
          );
          execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], {
            cwd: other,
          });
        }
        return shas;
      });
    try {
      const res = await release(rm, {
        service: 'svc-race',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(res.status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(subjects(rm).slice(0, 2)).toEqual([
        `[dev/svc-race] release ${a.id}`,
        'race',
      ]);
      expect(rm.git('rev-parse', 'main').trim()).toBe(res.body.commit);
      const metrics = await rm.http().get('/metrics');
      expect(metrics.text).toMatch(
        /release_manager_git_push_retries_total 1\b/,
      );
    } finally {
      spy.mockRestore();
    }
  });

  it('repacks the packs of many batches without failing reads in flight', async () => {
    const a = await push(rm, 'svc-pack');
    const b = await push(rm, 'svc-pack');
    for (let i = 0; i < 6; i++) {
      const res = await release(rm, {
        service: 'svc-pack',
        environment: 'dev',
        artifactId: (i % 2 ? a : b).id,
      });
      expect(res.status).toBe(200);
    }
    // fast-import leaves small batches as loose objects and larger ones as packs.
    const objectFiles = () => {
      const dir = path.join(rm.config.configRepo.workdir, 'objects');
      const loose = fs
        .readdirSync(dir)
        .filter(d => /^[0-9a-f]{2}$/.test(d))
        .reduce((n, d) => n + fs.readdirSync(path.join(dir, d)).length, 0);
      const packs = fs
        .readdirSync(path.join(dir, 'pack'))
        .filter(f => f.endsWith('.pack')).length;
      return loose + packs;
    };
    const before = objectFiles();
    expect(before).toBeGreaterThan(6);
    const reads = Array.from({ length: 30 }, () =>
      rm.http().get('/status?service=svc-pack').set(auth),
    );
    await (rm.manager.repo as any).maintenance();
    for (const r of await Promise.all(reads)) expect(r.status).toBe(200);
    expect(objectFiles()).toBeLessThanOrEqual(2);
    const after = await rm
      .http()
      .get('/describe/release/svc-pack/dev?count=10')
      .set(auth);
    expect(after.body.releases).toHaveLength(6);
  });
});
