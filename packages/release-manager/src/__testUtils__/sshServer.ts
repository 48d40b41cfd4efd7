import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';

/** Debian's OpenSSH server (package `openssh-server`); sshd must be run by absolute path. */
export const SSHD_PATH = '/usr/sbin/sshd';

/** Whether {@link SSHD_PATH} exists and can be executed. */
export function sshdAvailable(): boolean {
  try {
    fs.accessSync(SSHD_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An OpenSSH server on the loopback, for the current user. */
export interface SshServer {
  port: number;
  /** The user the server lets in (the current user). */
  user: string;
  /** `ssh://<user>@127.0.0.1:<port><absolutePath>` */
  url(absolutePath: string): string;
  /** A known_hosts line for this server's host key (`[127.0.0.1]:<port> ssh-ed25519 ...`). */
  knownHostsLine: string;
  /** Replaces the authorized public keys (one `ssh-ed25519 ...` line each). */
  authorize(publicKeys: string[]): void;
  /** sshd's log (`-e`: to stderr), for failure messages. */
  log(): string;
  close(): Promise<void>;
}

/** Generates an ed25519 key pair without a passphrase; returns the private key path and the public key line. */
export function generateKey(
  file: string,
  comment = 'slipway-test',
): { privateKeyPath: string; publicKey: string } {
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    comment,
    '-f',
    file,
  ]);
  return {
    privateKeyPath: file,
    publicKey: fs.readFileSync(`${file}.pub`, 'utf8').trim(),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `/usr/sbin/sshd` in the foreground as the current user, on 127.0.0.1 and a
 * free port, with its own host key, its own `authorized_keys` (public-key login only,
 * no PAM, no ForceCommand: git runs `git-upload-pack`/`git-receive-pack` through the
 * user's shell as with any git host over SSH). `StrictModes no`, because the files sit
 * under the world-writable temp folder.
 *
 * Run as root, sshd needs its privilege-separation folder `/run/sshd`, created here
 * when missing (Debian's service start would create it).
 *
 * @param dir - a fresh folder for the server's files
 * @throws Error with sshd's log when it does not accept connections within 20 s
 */
export async function startSshServer(dir: string): Promise<SshServer> {
  const user = os.userInfo().username;
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  generateKey(hostKey, 'host');
  const authorizedKeys = path.join(dir, 'authorized_keys');
  fs.writeFileSync(authorizedKeys, '', { mode: 0o600 });
  if (process.getuid?.() === 0 && !fs.existsSync('/run/sshd')) {
    fs.mkdirSync('/run/sshd', { mode: 0o755, recursive: true });
  }
  const port = await freePort();
  const configFile = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    configFile,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      `AllowUsers ${user}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const stderr: Buffer[] = [];
  const proc: ChildProcess = spawn(SSHD_PATH, ['-D', '-e', '-f', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  proc.stderr!.on('data', d => stderr.push(d));
  const log = () => Buffer.concat(stderr).toString('utf8');
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 20_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      proc.kill();
      throw new Error(`sshd did not start on port ${port}: ${log()}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  const hostPublicKey = fs
    .readFileSync(`${hostKey}.pub`, 'utf8')
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
  return {
    port,
    user,
    url: p => `ssh://${user}@127.0.0.1:${port}${p}`,
    knownHostsLine: `[127.0.0.1]:${port} ${hostPublicKey}`,
    authorize(publicKeys) {
      fs.writeFileSync(authorizedKeys, `${publicKeys.join('\n')}\n`, {
        mode: 0o600,
      });
    },
    log,
    close: () =>
      new Promise<void>(resolve => {
        if (exited) {
          resolve();
          return;
        }
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
