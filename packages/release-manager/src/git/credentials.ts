/**
 * Credentials of the config repo's remote, as the environment of the git processes
 * that talk to it. Nothing here is written to disk or put on a command line (where
 * `ps` and `/proc/<pid>/cmdline` would show it to every local user).
 */

/** The credential settings of {@link remoteGitEnv} (a subset of the config repo options). */
export interface RemoteCredentials {
  /** HTTPS basic-auth user (e.g. `x-access-token` for a GitHub token). */
  username?: string;
  /** HTTPS basic-auth password or token. */
  password?: string;
  /** SSH private key file (a deploy key), for `ssh://` and `user@host:path` URLs. */
  sshKeyPath?: string;
  /**
   * known_hosts file that pins the SSH server's host key. Host keys are always checked
   * strictly (`StrictHostKeyChecking=yes`): without this file, ssh's own
   * (`~/.ssh/known_hosts`, `/etc/ssh/ssh_known_hosts`) must know the host.
   */
  knownHostsPath?: string;
  /**
   * PEM file of the certificate authorities to trust for an `https://` remote (a
   * private CA), instead of the system's. Never turns verification off.
   */
  caFile?: string;
}

/** Quotes `s` for the POSIX shell through which git runs `GIT_SSH_COMMAND`. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `GIT_SSH_COMMAND` for the deploy key and known_hosts: batch mode (never a
 * prompt), only the configured key, and strict host key checking against the
 * configured known_hosts (never trust-on-first-use, so a spoofed server is refused).
 * @returns the command, or `undefined` when neither a key nor a known_hosts file is set
 */
export function sshCommand(credentials: RemoteCredentials): string | undefined {
  const { sshKeyPath, knownHostsPath } = credentials;
  if (!sshKeyPath && !knownHostsPath) return undefined;
  const args = [
    'ssh',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
  ];
  if (sshKeyPath) {
    args.push('-o', 'IdentitiesOnly=yes', '-i', shellQuote(sshKeyPath));
  }
  if (knownHostsPath) {
    args.push(
      '-o',
      shellQuote(`UserKnownHostsFile=${knownHostsPath}`),
      '-o',
      'UpdateHostKeys=no',
    );
  }
  return args.join(' ');
}

/**
 * The environment of a git process that talks to the remote:
 *
 * - never prompts (`GIT_TERMINAL_PROMPT=0`, ssh `BatchMode`), so a wrong credential
 *   fails at once instead of hanging;
 * - HTTPS basic auth as an `Authorization` header passed through `GIT_CONFIG_*`
 *   variables (git 2.31+), with credential helpers switched off so no stored
 *   credential of the machine is used instead;
 * - a private CA for HTTPS (`GIT_SSL_CAINFO`), when `caFile` is set;
 * - SSH through {@link sshCommand}.
 *
 * @param base - the environment to extend (default the process's)
 */
export function remoteGitEnv(
  credentials: RemoteCredentials,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0' };
  const config: Array<[string, string]> = [];
  const { username, password, caFile } = credentials;
  if (username && password) {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    config.push(
      ['credential.helper', ''],
      ['http.extraHeader', `Authorization: Basic ${basic}`],
    );
  }
  if (config.length > 0) {
    // Appended to any GIT_CONFIG_* entries the process already has.
    const first = Number(base.GIT_CONFIG_COUNT) || 0;
    env.GIT_CONFIG_COUNT = String(first + config.length);
    config.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${first + i}`] = key;
      env[`GIT_CONFIG_VALUE_${first + i}`] = value;
    });
  }
  // The variable, not `http.sslCAInfo`: git lets a GIT_SSL_CAINFO of the process win.
  if (caFile) env.GIT_SSL_CAINFO = caFile;
  const ssh = sshCommand(credentials);
  if (ssh) env.GIT_SSH_COMMAND = ssh;
  return env;
}
