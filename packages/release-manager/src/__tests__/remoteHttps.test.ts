import fs from 'node:fs';
import path from 'node:path';
import {
  GitHttpServer,
  selfSignedCertificate,
  startGitHttpServer,
  TestCertificate,
} from '../__testUtils__/gitHttpServer';
import { push, release, subjects, tmpDir } from '../__testUtils__/helpers';
import {
  createBareRepo,
  metric,
  pushFromSecondWriter,
  RemoteRunning,
  serverGit,
  startWithRemote,
} from '../__testUtils__/remoteRepo';

// A real smart-HTTP remote over TLS on the loopback (git http-backend behind basic auth,
// a certificate of a private CA), as a git host with a token: the release manager
// sends the token as a header only, and trusts the CA given as configRepo.caFile.
jest.setTimeout(180_000);

const USER = 'x-access-token';
const SECRET = 'ghs_TestToken0123456789abcdefSECRET';
const BASIC = Buffer.from(`${USER}:${SECRET}`).toString('base64');

/**
 * Samples /proc every few milliseconds for git processes of this process (command
 * line and environment), until `stop()`.
 */
function watchGitProcesses() {
  const processes: Array<{ pid: string; cmdline: string; environ: string }> =
    [];
  const known = new Set<string>();
  const sample = () => {
    for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
      if (known.has(pid)) continue;
      try {
        const cmdline = fs
          .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .join(' ');
        if (!/^git /.test(cmdline)) continue;
        const environ = fs
          .readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .join('\n');
        known.add(pid);
        processes.push({ pid, cmdline, environ });
      } catch {
        // gone already
      }
    }
  };
  const timer = setInterval(sample, 2);
  return {
    processes,
    stop: () => clearInterval(timer),
  };
}

/** Asserts that neither the token nor its basic-auth encoding appears in `text`. */
function expectNoSecret(text: string) {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(BASIC);
}

describe('config repo over HTTPS with a token (git http-backend on the loopback)', () => {
  let server: GitHttpServer;
  let tls: TestCertificate;
  let bare: string;
  let url: string;
  let rm: RemoteRunning;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    const root = tmpDir('rm-http-remote-');
    bare = createBareRepo(path.join(root, 'config.git'));
    tls = selfSignedCertificate(tmpDir('rm-http-tls-'));
    server = await startGitHttpServer({
      root,
      username: USER,
      password: SECRET,
      tls,
    });
    url = server.url('config.git');
    for (const level of ['log', 'info', 'warn', 'error'] as const) {
      jest
        .spyOn(console, level)
        .mockImplementation((...args: unknown[]) =>
          consoleLines.push(args.map(String).join(' ')),
        );
    }
    rm = await startWithRemote(bare, {
      url,
      username: USER,
      password: SECRET,
      caFile: tls.certPath,
    });
  });

  afterAll(async () => {
    await rm?.stop();
    await server?.close();
    jest.restoreAllMocks();
  });

  it('clones the empty remote, pushes its first commit and releases into it', async () => {
    // init pushed the first commit through the server
    expect(serverGit(bare, 'log', '--format=%s', 'main').trim()).toBe(
      'Initialize config repository',
    );
    const a = await push(rm, 'https-svc');
    const seen = watchGitProcesses();
    let res;
    try {
      res = await release(rm, {
        service: 'https-svc',
        environment: 'dev',
        artifactId: a.id,
      });
    } finally {
      seen.stop();
    }
    expect(res.status).toBe(200);
    // The token went to git in its environment (readable only by the same user), never
    // on a command line (which every local user can read in /proc/<pid>/cmdline).
    const pushes = seen.processes.filter(p => /\bgit push\b/.test(p.cmdline));
    expect(pushes.length).toBeGreaterThan(0);
    expectNoSecret(seen.processes.map(p => p.cmdline).join('\n'));
    expect(
      pushes.some(p => p.environ.includes(`Authorization: Basic ${BASIC}`)),
    ).toBe(true);
    expect(subjects(rm)[0]).toBe(`[dev/https-svc] release ${a.id}`);
    expect(
      serverGit(
        bare,
        'show',
        'main:dev/releases/payments/https-svc/artifact.json',
      ),
    ).toContain(a.id);
    // every request carried the token: the server refused none
    expect(server.requests.filter(r => r.endsWith('-> 401'))).toEqual([]);
    expect(
      server.requests.some(r =>
        /^POST \/config\.git\/git-receive-pack -> 200$/.test(r),
      ),
    ).toBe(true);
  });

  it('redoes the release on top of a second writer that pushed between its fetch and its push', async () => {
    const a = await push(rm, 'https-race');
    const retriesBefore = await metric(
      rm,
      'release_manager_git_push_retries_total',
    );
    const requestsBefore = server.requests.length;
    let raced = '';
    server.beforeNextPush = async () => {
      raced = await pushFromSecondWriter(bare, 'https-race.txt');
    };
    const res = await release(rm, {
      service: 'https-race',
      environment: 'dev',
      artifactId: a.id,
    });
    expect(res.status).toBe(200);
    expect(raced).toMatch(/^[0-9a-f]{40}$/);
    // the release landed on top of the other writer's commit, which is kept
    const [top, parent] = serverGit(bare, 'log', '-2', '--format=%H %s', 'main')
      .trim()
      .split('\n');
    expect(top).toContain(`[dev/https-race] release ${a.id}`);
    expect(parent).toBe(`${raced} second writer: https-race.txt`);
    expect(serverGit(bare, 'show', 'main:https-race.txt')).toContain(
      'second writer',
    );
    expect(
      await metric(rm, 'release_manager_git_push_retries_total'),
    ).toBeGreaterThan(retriesBefore);
    // two push attempts; the first sent no pack: its lease saw the moved branch in
    // the server's ref advertisement and git refused it client-side (stale info)
    const during = server.requests.slice(requestsBefore);
    expect(
      during.filter(r =>
        r.startsWith('GET /config.git/info/refs?service=git-receive-pack'),
      ),
    ).toHaveLength(2);
    expect(
      during.filter(r => r.startsWith('POST /config.git/git-receive-pack')),
    ).toEqual(['POST /config.git/git-receive-pack -> 200']);
  });

  it('answers a revoked token with a 503 that names the remote and never the token, and recovers with a valid one', async () => {
    const a = await push(rm, 'https-revoked');
    server.setCredentials(USER, 'ghs_RotatedTokenTheServiceDoesNotHave');
    try {
      const res = await release(rm, {
        service: 'https-revoked',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(res.status).toBe(503);
      expect(res.body.message).toContain(`config repo ${url}`);
      expect(res.body.message).toMatch(/refused the credentials/);
      expectNoSecret(JSON.stringify(res.body));
      expect(server.requests.some(r => r.endsWith('-> 401'))).toBe(true);
    } finally {
      server.setCredentials(USER, SECRET);
    }
    // nothing half-done stays behind: the same release succeeds once the token is valid
    const again = await release(rm, {
      service: 'https-revoked',
      environment: 'dev',
      artifactId: a.id,
    });
    expect(again.status).toBe(200);
    expect(subjects(rm)[0]).toBe(`[dev/https-revoked] release ${a.id}`);
  });

  it('answers a token without write access with a 503 that says it may not push', async () => {
    const a = await push(rm, 'https-read-only');
    server.readOnly = true;
    try {
      const res = await release(rm, {
        service: 'https-read-only',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(res.status).toBe(503);
      expect(res.body.message).toContain(
        `config repo ${url} refused the credentials`,
      );
      expect(res.body.message).toMatch(/may push.*403/);
      expectNoSecret(JSON.stringify(res.body));
    } finally {
      server.readOnly = false;
    }
  });

  it('logs failed polls with the remote named and the token absent', async () => {
    const logs: string[] = [];
    const polling = await startWithRemote(
      bare,
      {
        url,
        username: USER,
        password: SECRET,
        caFile: tls.certPath,
        pollIntervalSeconds: 1,
      },
      logs,
    );
    try {
      server.setCredentials(USER, 'ghs_AnotherRotation');
      const deadline = Date.now() + 60_000;
      while (!logs.some(l => /poll failed/.test(l)) && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 200));
      }
    } finally {
      server.setCredentials(USER, SECRET);
      await polling.stop();
    }
    const failed = logs.find(l => /poll failed/.test(l));
    expect(failed).toContain(`config repo ${url} refused the credentials`);
    expectNoSecret(logs.join('\n'));
  });

  it('refuses to start with a wrong token, naming the remote (credentials in the URL redacted)', async () => {
    const port = new URL(url).port;
    const withUserInfo = `https://${USER}:${SECRET}-wrong@127.0.0.1:${port}/config.git`;
    const logs: string[] = [];
    const error = await startWithRemote(
      bare,
      { url: withUserInfo, caFile: tls.certPath },
      logs,
    ).then(
      () => undefined,
      e => e,
    );
    expect(error?.name).toBe('ServiceUnavailableError');
    expect(error.message).toContain(
      `config repo https://***@127.0.0.1:${port}/config.git refused the credentials`,
    );
    expectNoSecret(error.message);

    const wrong = await startWithRemote(bare, {
      url,
      username: USER,
      password: `${SECRET}-wrong`,
      caFile: tls.certPath,
    }).then(
      () => undefined,
      e => e,
    );
    expect(wrong?.name).toBe('ServiceUnavailableError');
    expect(wrong.message).toContain(
      `config repo ${url} refused the credentials`,
    );
    expectNoSecret(wrong.message);
    expectNoSecret(logs.join('\n'));
  });

  it('works with the token in the URL too, and logs that URL redacted', async () => {
    const port = new URL(url).port;
    const logs: string[] = [];
    const inUrl = await startWithRemote(
      bare,
      {
        url: `https://${USER}:${SECRET}@127.0.0.1:${port}/config.git`,
        caFile: tls.certPath,
      },
      logs,
    );
    try {
      const a = await push(inUrl, 'https-url-token');
      const res = await release(inUrl, {
        service: 'https-url-token',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(res.status).toBe(200);
      expect(subjects(inUrl)[0]).toBe(`[dev/https-url-token] release ${a.id}`);
    } finally {
      await inUrl.stop();
    }
    expect(logs.join('\n')).toContain(
      `config repo https://***@127.0.0.1:${port}/config.git`,
    );
    expectNoSecret(logs.join('\n'));
  });

  it('refuses a server whose certificate does not verify (no caFile: the system CAs), naming the remote', async () => {
    const error = await startWithRemote(bare, {
      url,
      username: USER,
      password: SECRET,
    }).then(
      () => undefined,
      e => e,
    );
    expect(error?.name).toBe('ServiceUnavailableError');
    expect(error.message).toContain(
      `config repo ${url} cannot be trusted: its TLS certificate does not verify`,
    );
    expectNoSecret(error.message);
  });

  it('never logged or printed the token', () => {
    const printed = [...rm.logs, ...consoleLines].join('\n');
    expect(rm.logs.length).toBeGreaterThan(0); // it did log (the start line)
    expect(printed).not.toContain(SECRET);
    expect(printed).not.toContain(BASIC);
  });
});
