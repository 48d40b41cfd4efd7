import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { createLocalCi, LocalCi } from '../server';
import { postReceiveHook } from '../hook';
import { CiRun } from '../types';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Jane',
      GIT_AUTHOR_EMAIL: 'jane@example.com',
      GIT_COMMITTER_NAME: 'Jane',
      GIT_COMMITTER_EMAIL: 'jane@example.com',
    },
  }).trim();

/** A bare repo `<repos>/<name>.git` with one commit on main holding `files`; returns the sha. */
function makeRepo(repos: string, name: string, files: Record<string, string>) {
  const bare = path.join(repos, `${name}.git`);
  fs.mkdirSync(repos, { recursive: true });
  git(repos, 'init', '--quiet', '--bare', '--initial-branch', 'main', bare);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'local-ci-work-'));
  git(work, 'init', '--quiet', '--initial-branch', 'main');
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), text);
  }
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'first');
  git(work, 'push', '--quiet', bare, 'HEAD:refs/heads/main');
  return { bare, work, sha: git(work, 'rev-parse', 'HEAD') };
}

async function request(
  base: string,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; json: any; text: string }> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

describe('local CI', () => {
  let root: string;
  let repos: string;
  let ci: LocalCi;
  let base: string;

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'local-ci-'));
    repos = path.join(root, 'repos');
    fs.mkdirSync(repos);
    ci = createLocalCi({
      dataDir: path.join(root, 'data'),
      reposDir: repos,
      publicUrl: 'http://ci.test',
      env: { ...process.env, GREETING: 'from the local CI env' },
    });
    await new Promise<void>(r => ci.server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(ci.server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await ci.idle();
    await new Promise(r => ci.server.close(r));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('runs ci/run.sh of the pushed commit with the CI variables and serves its log', async () => {
    const { bare, sha } = makeRepo(repos, 'payments-api', {
      'ci/run.sh':
        'echo "service=$SERVICE branch=$CI_BRANCH sha=$CI_COMMIT_SHA"\necho "job=$CI_JOB_URL"\necho "$GREETING"\ngit rev-parse --abbrev-ref HEAD\n',
    });
    const queued = await request(base, 'POST', '/runs', {
      repository: bare,
      ref: 'refs/heads/main',
      sha,
    });
    expect(queued.status).toBe(202);
    expect(queued.json).toMatchObject({
      id: 'payments-api-1',
      repository: 'payments-api',
      branch: 'main',
      status: 'queued',
      logUrl: 'http://ci.test/runs/payments-api-1/log',
    });
    await ci.idle();
    const run: CiRun = (await request(base, 'GET', '/runs/payments-api-1')).json;
    expect(run).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    const log = (await request(base, 'GET', '/runs/payments-api-1/log')).text;
    expect(log).toContain(`service=payments-api branch=main sha=${sha}`);
    expect(log).toContain('job=http://ci.test/runs/payments-api-1/log');
    expect(log).toContain('from the local CI env');
    expect(log).toMatch(/^main$/m);
    const list = await request(base, 'GET', `/runs?repository=payments-api&sha=${sha.slice(0, 10)}`);
    expect(list.json.runs.map((r: CiRun) => r.id)).toEqual(['payments-api-1']);
    expect((await request(base, 'GET', '/runs?sha=0000000')).json.runs).toEqual([]);
  });

  it('fails a run with the failing lines of the log when the script exits non-zero', async () => {
    const { bare, sha } = makeRepo(repos, 'ledger', {
      'ci/run.sh': [
        'echo "TAP version 13"',
        'echo "ok 1 - healthz answers"',
        'echo "not ok 2 - hello greets by name"',
        'echo "  expected: Hello, Jane!"',
        'echo "# pass 1"',
        'echo "# fail 1"',
        'exit 3',
      ].join('\n'),
    });
    ci.enqueue({ repository: bare, ref: 'refs/heads/main', sha });
    await ci.idle();
    const run = ci.store.get('ledger-1')!;
    expect(run).toMatchObject({ status: 'failed', exitCode: 3, error: 'ci/run.sh exited with 3' });
    expect(run.failingLines).toEqual(
      expect.arrayContaining(['not ok 2 - hello greets by name', '  expected: Hello, Jane!', '# fail 1']),
    );
    expect(run.failingLines).not.toContain('ok 1 - healthz answers');
  });

  it('fails a commit without ci/run.sh, and runs pushes one at a time in order', async () => {
    const { bare, sha, work } = makeRepo(repos, 'notes', { 'README.md': 'no CI here\n' });
    ci.enqueue({ repository: bare, ref: 'refs/heads/main', sha });
    fs.mkdirSync(path.join(work, 'ci'));
    fs.writeFileSync(path.join(work, 'ci/run.sh'), 'echo second run\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'add CI');
    git(work, 'push', '--quiet', bare, 'HEAD:refs/heads/feature/x');
    ci.enqueue({ repository: bare, ref: 'refs/heads/feature/x', sha: git(work, 'rev-parse', 'HEAD') });
    await ci.idle();
    expect(ci.store.get('notes-1')).toMatchObject({ status: 'failed', exitCode: -1 });
    expect(ci.store.get('notes-1')!.error).toMatch(/has no ci\/run.sh/);
    expect(ci.store.get('notes-2')).toMatchObject({ status: 'succeeded', branch: 'feature/x' });
    expect(ci.store.get('notes-2')!.startedAt! >= ci.store.get('notes-1')!.finishedAt!).toBe(true);
  });

  it('answers 400 naming the field for bad pushes, 404 for unknown runs', async () => {
    const { bare, sha } = makeRepo(repos, 'svc', { 'ci/run.sh': 'true\n' });
    const outside = makeRepo(path.join(root, 'elsewhere'), 'svc', { 'ci/run.sh': 'true\n' });
    const cases: Array<[unknown, RegExp]> = [
      [{ repository: bare, ref: 'refs/tags/v1', sha }, /^ref: /],
      [{ repository: bare, ref: 'refs/heads/main', sha: 'abc' }, /^sha: /],
      [{ ref: 'refs/heads/main', sha }, /^repository: /],
      [{ repository: outside.bare, ref: 'refs/heads/main', sha }, /^repository: .* not a bare repository/],
      [{ repository: path.join(repos, 'missing.git'), ref: 'refs/heads/main', sha }, /^repository: .*does not exist/],
    ];
    for (const [body, message] of cases) {
      const res = await request(base, 'POST', '/runs', body);
      expect(res.status).toBe(400);
      expect(res.json.message).toMatch(message);
    }
    expect((await request(base, 'GET', '/runs/nope-1')).status).toBe(404);
    expect((await request(base, 'GET', '/healthz')).json).toEqual({
      status: 'ok',
      queued: 0,
      running: 0,
      reposDir: fs.realpathSync(repos),
    });
    expect((await request(base, 'GET', '/runs')).json.runs).toEqual([]);
  });

  it('keeps runs across a restart and marks interrupted ones failed', async () => {
    const { bare, sha } = makeRepo(repos, 'kept', { 'ci/run.sh': 'true\n' });
    ci.enqueue({ repository: bare, ref: 'refs/heads/main', sha });
    await ci.idle();
    ci.store.save({ ...ci.store.get('kept-1')!, id: 'kept-2', status: 'running' });
    const again = createLocalCi({
      dataDir: path.join(root, 'data'),
      reposDir: repos,
      publicUrl: 'http://ci.test',
      env: process.env,
    });
    expect(again.store.get('kept-1')).toMatchObject({ status: 'succeeded' });
    expect(again.store.get('kept-2')).toMatchObject({
      status: 'failed',
      error: 'interrupted by a restart of the local CI',
    });
    expect(again.enqueue({ repository: bare, ref: 'refs/heads/main', sha }).id).toBe('kept-3');
    await again.idle();
  });

  it('post-receive hook: a git push queues a run for each pushed branch, and never fails the push', async () => {
    const { bare, work } = makeRepo(repos, 'hooked', { 'ci/run.sh': 'echo built\n' });
    fs.writeFileSync(path.join(bare, 'hooks/post-receive'), postReceiveHook(base), { mode: 0o755 });
    fs.writeFileSync(path.join(work, 'x.txt'), 'change\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'change');
    const sha = git(work, 'rev-parse', 'HEAD');
    const out = execFileSync('git', ['push', bare, 'HEAD:refs/heads/main', 'HEAD:refs/heads/topic'], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
    await new Promise(r => setTimeout(r, 200));
    await ci.idle();
    const runs = ci.store.list({ repository: 'hooked' });
    expect(runs.map(r => [r.branch, r.sha, r.status]).sort()).toEqual([
      ['main', sha, 'succeeded'],
      ['topic', sha, 'succeeded'],
    ]);

    // the local CI is down: the push still succeeds and says why nothing ran
    fs.writeFileSync(path.join(bare, 'hooks/post-receive'), postReceiveHook('http://127.0.0.1:9'), { mode: 0o755 });
    fs.writeFileSync(path.join(work, 'y.txt'), 'again\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'again');
    const res = await new Promise<string>((resolve, reject) => {
      const child = spawn('git', ['push', bare, 'HEAD:refs/heads/main'], { cwd: work });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('close', code => (code === 0 ? resolve(err) : reject(new Error(err))));
    });
    expect(res).toMatch(/local CI: not reachable at http:\/\/127.0.0.1:9/);
  });
});
