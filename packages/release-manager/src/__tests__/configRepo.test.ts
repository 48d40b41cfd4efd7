import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  push,
  release,
  Running,
  start,
  subjects,
} from '../__testUtils__/helpers';

describe('ConfigRepo: fetching only when the remote may have moved', () => {
  let rm: Running;
  beforeAll(async () => {
    rm = await start();
  });
  afterAll(async () => {
    await rm.stop();
  });

  it('skips the fetch while the local remote is where it pushed, and fetches once another writer moved it', async () => {
    const a = await push(rm, 'svc-fetch');
    const b = await push(rm, 'svc-fetch');
    const remote = (rm.manager.repo as any).remote;
    const fetch = jest.spyOn(remote, 'fetch');
    try {
      for (const id of [a.id, b.id, a.id]) {
        const res = await release(rm, {
          service: 'svc-fetch',
          environment: 'dev',
          artifactId: id,
        });
        expect(res.status).toBe(200);
        expect(res.body.commit).toMatch(/^[0-9a-f]{40}$/);
      }
      expect(fetch).not.toHaveBeenCalled();
      expect(await rm.manager.repo.hasUnpushedCommits()).toBe(false);

      // Another writer pushes: the next release fetches first and builds on it.
      const other = path.join(rm.dataDir, 'other-writer');
      execFileSync('git', ['clone', '-q', rm.config.configRepo.url, other]);
      fs.writeFileSync(path.join(other, 'NOTES.md'), 'hello\n');
      execFileSync('git', ['add', 'NOTES.md'], { cwd: other });
      execFileSync(
        'git',
        [
          '-c',
          'user.name=O',
          '-c',
          'user.email=o@x.io',
          'commit',
          '-qm',
          'notes',
        ],
        { cwd: other },
      );
      execFileSync('git', ['push', '-q', 'origin', 'HEAD:main'], {
        cwd: other,
      });
      const res = await release(rm, {
        service: 'svc-fetch',
        environment: 'dev',
        artifactId: b.id,
      });
      expect(res.status).toBe(200);
      expect(fetch).toHaveBeenCalledTimes(1);
      expect(subjects(rm).slice(0, 2)).toEqual([
        `[dev/svc-fetch] release ${b.id}`,
        'notes',
      ]);
      const metrics = await rm.http().get('/metrics');
      expect(metrics.text).toMatch(
        /release_manager_git_push_retries_total 0\b/,
      );
    } finally {
      fetch.mockRestore();
    }
  });
});
