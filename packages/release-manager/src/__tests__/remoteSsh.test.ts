import fs from 'node:fs';
import path from 'node:path';
import { push, release, subjects, tmpDir } from '../__testUtils__/helpers';
import {
  createBareRepo,
  installRacingHook,
  metric,
  RemoteRunning,
  serverGit,
  startWithRemote,
} from '../__testUtils__/remoteRepo';
import {
  generateKey,
  SSHD_PATH,
  sshdAvailable,
  SshServer,
  startSshServer,
} from '../__testUtils__/sshServer';

// A real OpenSSH server on the loopback (Debian's openssh-server, installed by
// scripts/test.d/45-openssh.sh), as a git host with a deploy key.
jest.setTimeout(180_000);

const available = sshdAvailable();
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED: the config repo over SSH tests need ${SSHD_PATH} (Debian package openssh-server; scripts/test.d/45-openssh.sh installs it as root)`,
  );
}

/** The key material lines of a private key file (what must never be shown). */
function secretLines(privateKeyPath: string): string[] {
  return fs
    .readFileSync(privateKeyPath, 'utf8')
    .split('\n')
    .filter(l => l && !l.startsWith('-----'));
}

(available ? describe : describe.skip)(
  'config repo over SSH with a deploy key (sshd on the loopback)',
  () => {
    let server: SshServer;
    let dir: string;
    let bare: string;
    let url: string;
    let deployKey: { privateKeyPath: string; publicKey: string };
    let knownHosts: string;
    let race: { arm(): void };
    let rm: RemoteRunning;

    function expectNoKey(text: string) {
      for (const line of secretLines(deployKey.privateKeyPath)) {
        expect(text).not.toContain(line);
      }
    }

    beforeAll(async () => {
      dir = tmpDir('rm-ssh-remote-');
      server = await startSshServer(path.join(dir));
      bare = createBareRepo(path.join(dir, 'repos', 'config.git'));
      race = installRacingHook(bare);
      url = server.url(bare);
      deployKey = generateKey(path.join(dir, 'deploy_key'), 'deploy-key');
      server.authorize([deployKey.publicKey]);
      knownHosts = path.join(dir, 'known_hosts');
      fs.writeFileSync(knownHosts, `${server.knownHostsLine}\n`);
      try {
        rm = await startWithRemote(bare, {
          url,
          sshKeyPath: deployKey.privateKeyPath,
          knownHostsPath: knownHosts,
        });
      } catch (error) {
        throw new Error(`${error}\nsshd log:\n${server.log()}`);
      }
    });

    afterAll(async () => {
      await rm?.stop();
      await server?.close();
    });

    it('clones the empty remote over ssh, pushes its first commit and releases into it', async () => {
      expect(serverGit(bare, 'log', '--format=%s', 'main').trim()).toBe(
        'Initialize config repository',
      );
      const a = await push(rm, 'ssh-svc');
      const res = await release(rm, {
        service: 'ssh-svc',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(res.status).toBe(200);
      expect(subjects(rm)[0]).toBe(`[dev/ssh-svc] release ${a.id}`);
      // sshd let the deploy key in, by public key
      expect(server.log()).toMatch(
        /Accepted publickey for \S+ from 127\.0\.0\.1/,
      );
    });

    it('redoes the release on top of a second writer whose push won the race on the server', async () => {
      const a = await push(rm, 'ssh-race');
      const retriesBefore = await metric(
        rm,
        'release_manager_git_push_retries_total',
      );
      race.arm();
      const res = await release(rm, {
        service: 'ssh-race',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(res.status).toBe(200);
      const [top, parent] = serverGit(bare, 'log', '-2', '--format=%s', 'main')
        .trim()
        .split('\n');
      expect(top).toBe(`[dev/ssh-race] release ${a.id}`);
      expect(parent).toBe('second writer: race.txt');
      expect(serverGit(bare, 'show', 'main:race.txt').trim()).toBe('raced');
      expect(
        await metric(rm, 'release_manager_git_push_retries_total'),
      ).toBeGreaterThan(retriesBefore);
      expect(fs.existsSync(path.join(bare, 'race-armed'))).toBe(false);
    });

    it('answers a revoked deploy key with a 503 that names the remote and never the key, and recovers', async () => {
      const a = await push(rm, 'ssh-revoked');
      const other = generateKey(path.join(dir, 'other_key'), 'other');
      server.authorize([other.publicKey]);
      try {
        const res = await release(rm, {
          service: 'ssh-revoked',
          environment: 'dev',
          artifactId: a.id,
        });
        expect(res.status).toBe(503);
        expect(res.body.message).toContain(
          `config repo ${url} refused the credentials`,
        );
        expect(res.body.message).toMatch(/Permission denied \(publickey\)/);
        expectNoKey(JSON.stringify(res.body));
      } finally {
        server.authorize([deployKey.publicKey]);
      }
      const again = await release(rm, {
        service: 'ssh-revoked',
        environment: 'dev',
        artifactId: a.id,
      });
      expect(again.status).toBe(200);
      expect(subjects(rm)[0]).toBe(`[dev/ssh-revoked] release ${a.id}`);
    });

    it('never trusts an unknown host key: starting against a server not in known_hosts fails and leaves known_hosts as it was', async () => {
      const wrongHosts = path.join(dir, 'known_hosts_other');
      const otherHost = generateKey(path.join(dir, 'other_host_key'), 'x');
      const content = `[127.0.0.1]:${server.port} ${otherHost.publicKey
        .split(' ')
        .slice(0, 2)
        .join(' ')}\n`;
      fs.writeFileSync(wrongHosts, content);
      const emptyHosts = path.join(dir, 'known_hosts_empty');
      fs.writeFileSync(emptyHosts, '');
      for (const file of [wrongHosts, emptyHosts]) {
        const error = await startWithRemote(bare, {
          url,
          sshKeyPath: deployKey.privateKeyPath,
          knownHostsPath: file,
        }).then(
          () => undefined,
          e => e,
        );
        expect(error?.name).toBe('ServiceUnavailableError');
        expect(error.message).toContain(
          `config repo ${url} cannot be trusted: its SSH host key`,
        );
      }
      expect(fs.readFileSync(wrongHosts, 'utf8')).toBe(content);
      expect(fs.readFileSync(emptyHosts, 'utf8')).toBe('');
    });

    it('refuses to start with a key the server does not know, or a missing key file, and says which', async () => {
      const stranger = generateKey(path.join(dir, 'stranger_key'), 's');
      const error = await startWithRemote(bare, {
        url,
        sshKeyPath: stranger.privateKeyPath,
        knownHostsPath: knownHosts,
      }).then(
        () => undefined,
        e => e,
      );
      expect(error?.name).toBe('ServiceUnavailableError');
      expect(error.message).toContain(
        `config repo ${url} refused the credentials`,
      );
      expect(error.message).not.toContain(
        secretLines(stranger.privateKeyPath)[0],
      );

      const missing = await startWithRemote(bare, {
        url,
        sshKeyPath: path.join(dir, 'no-such-key'),
        knownHostsPath: knownHosts,
      }).then(
        () => undefined,
        e => e,
      );
      expect(missing?.name).toBe('ServiceUnavailableError');
      expect(missing.message).toContain(
        `config repo ${url} cannot be reached: the SSH deploy key`,
      );
    });

    it('logs failed polls with the remote named and the key absent', async () => {
      const logs: string[] = [];
      const polling = await startWithRemote(
        bare,
        {
          url,
          sshKeyPath: deployKey.privateKeyPath,
          knownHostsPath: knownHosts,
          pollIntervalSeconds: 1,
        },
        logs,
      );
      try {
        server.authorize([]);
        const deadline = Date.now() + 60_000;
        while (
          !logs.some(l => /poll failed/.test(l)) &&
          Date.now() < deadline
        ) {
          await new Promise(r => setTimeout(r, 200));
        }
      } finally {
        server.authorize([deployKey.publicKey]);
        await polling.stop();
      }
      expect(logs.find(l => /poll failed/.test(l))).toContain(
        `config repo ${url} refused the credentials`,
      );
      expectNoKey(logs.join('\n'));
      expectNoKey(rm.logs.join('\n'));
    });
  },
);
