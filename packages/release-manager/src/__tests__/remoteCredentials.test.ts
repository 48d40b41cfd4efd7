import { loadConfig } from '../config';
import { remoteGitEnv, sshCommand } from '../git/credentials';
import { redact } from '../git/exec';
import {
  credentialFailure,
  credentialFailureMessage,
} from '../git/remoteErrors';

describe('config repo credentials: the environment of remote git commands', () => {
  it('passes an HTTPS token as a basic-auth header through GIT_CONFIG_* (not argv), with prompts and credential helpers off', () => {
    const env = remoteGitEnv(
      { username: 'x-access-token', password: 's3cr3t' },
      { PATH: '/usr/bin' },
    );
    expect(env).toEqual({
      PATH: '/usr/bin',
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.extraHeader',
      GIT_CONFIG_VALUE_1: `Authorization: Basic ${Buffer.from(
        'x-access-token:s3cr3t',
      ).toString('base64')}`,
    });
  });

  it('appends to GIT_CONFIG_* entries the process already has', () => {
    const env = remoteGitEnv(
      { username: 'u', password: 'p' },
      {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'core.x',
        GIT_CONFIG_VALUE_0: 'y',
      },
    );
    expect(env.GIT_CONFIG_COUNT).toBe('3');
    expect(env.GIT_CONFIG_KEY_0).toBe('core.x');
    expect(env.GIT_CONFIG_KEY_2).toBe('http.extraHeader');
  });

  it('trusts a private CA through GIT_SSL_CAINFO, which wins over a CA bundle of the process', () => {
    const env = remoteGitEnv(
      { caFile: '/etc/release-manager/git/ca.crt' },
      { GIT_SSL_CAINFO: '/etc/ssl/certs/ca-certificates.crt' },
    );
    expect(env.GIT_SSL_CAINFO).toBe('/etc/release-manager/git/ca.crt');
    expect(env.GIT_CONFIG_COUNT).toBeUndefined();
  });

  it('sends no header without both user and password, and never prompts', () => {
    expect(remoteGitEnv({ password: 'p' }, {})).toEqual({
      GIT_TERMINAL_PROMPT: '0',
    });
  });

  it('runs ssh in batch mode with only the deploy key and strict host key checking against the configured known_hosts', () => {
    expect(
      sshCommand({
        sshKeyPath: "/etc/keys/it's key",
        knownHostsPath: '/etc/keys/known_hosts',
      }),
    ).toBe(
      "ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -i '/etc/keys/it'\\''s key' -o 'UserKnownHostsFile=/etc/keys/known_hosts' -o UpdateHostKeys=no",
    );
    // without known_hosts: still strict (ssh's own known_hosts files), never accept-new
    const keyOnly = sshCommand({ sshKeyPath: '/k' })!;
    expect(keyOnly).toContain('StrictHostKeyChecking=yes');
    expect(keyOnly).not.toMatch(/accept-new|StrictHostKeyChecking=no/);
    expect(sshCommand({})).toBeUndefined();
    expect(remoteGitEnv({ sshKeyPath: '/k' }, {}).GIT_SSH_COMMAND).toBe(
      keyOnly,
    );
  });
});

describe('config repo credentials: messages', () => {
  it('redacts credentials in URLs but keeps the user of an ssh URL', () => {
    expect(redact('https://x-access-token:ghs_abc@github.com/a/b.git')).toBe(
      'https://***@github.com/a/b.git',
    );
    expect(redact('fetch https://ghs_abc@github.com/a/b.git failed')).toBe(
      'fetch https://***@github.com/a/b.git failed',
    );
    expect(redact('ssh://git@github.com/a/b.git')).toBe(
      'ssh://git@github.com/a/b.git',
    );
    expect(redact('ssh://git:pw@github.com/a/b.git')).toBe(
      'ssh://***@github.com/a/b.git',
    );
  });

  it.each([
    [
      "git fetch -q origin failed (128): remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://git.example.com/k8s.git/'",
      'credentials',
      'remote: HTTP Basic: Access denied',
    ],
    [
      "git fetch -q origin failed (128): fatal: could not read Username for 'https://git.example.com': terminal prompts disabled",
      'credentials',
      "the server answered 401 Unauthorized (git: fatal: could not read Username for 'https://git.example.com': terminal prompts disabled)",
    ],
    [
      'git push failed (128): git@127.0.0.1: Permission denied (publickey).\nfatal: Could not read from remote repository.',
      'credentials',
      'git@127.0.0.1: Permission denied (publickey).',
    ],
    [
      'git clone failed (128): No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.\nfatal: Could not read from remote repository.',
      'host-key',
      'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.',
    ],
    [
      'git fetch failed (128): @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
      'host-key',
      'WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!',
    ],
    [
      'git fetch failed (128): Warning: Identity file /etc/ssh-key/id not accessible: No such file or directory.\ngit@host: Permission denied (publickey).',
      'key-file',
      'Warning: Identity file /etc/ssh-key/id not accessible: No such file or directory.',
    ],
    [
      "git clone failed (128): fatal: unable to access 'https://127.0.0.1:4443/config.git/': server certificate verification failed. CAfile: none CRLfile: none",
      'certificate',
      "fatal: unable to access 'https://127.0.0.1:4443/config.git/': server certificate verification failed. CAfile: none CRLfile: none",
    ],
  ])('classifies %j', (message, kind, line) => {
    expect(credentialFailure(new Error(message))).toEqual({ kind, line });
  });

  it('leaves other failures (network, missing repository) to the caller', () => {
    expect(
      credentialFailureMessage(
        'https://git.example.com/k8s.git',
        new Error(
          "git fetch failed (128): fatal: unable to access 'https://git.example.com/k8s.git/': Could not resolve host: git.example.com",
        ),
      ),
    ).toBeUndefined();
  });

  it('names the remote and the setting to check, per transport', () => {
    const denied = new Error('fatal: Authentication failed for x');
    expect(
      credentialFailureMessage('https://git.example.com/k8s.git', denied),
    ).toMatch(
      /^config repo https:\/\/git\.example\.com\/k8s\.git refused the credentials \(check the token in configRepo\.password/,
    );
    expect(
      credentialFailureMessage('ssh://git@git.example.com/k8s.git', denied),
    ).toMatch(
      /^config repo ssh:\/\/git@git\.example\.com\/k8s\.git refused the credentials \(check that the public half of configRepo\.sshKeyPath/,
    );
  });
});

describe('config repo credentials: configuration', () => {
  it('reads the token, the deploy key and known_hosts from the environment (as mounted from a Secret)', () => {
    const config = loadConfig({
      env: {
        RELEASE_MANAGER_TOKEN: 'api',
        RELEASE_MANAGER_CONFIG_REPO_URL: 'ssh://git@git.example.com/k8s.git',
        RELEASE_MANAGER_CONFIG_REPO_SSH_KEY:
          '/etc/release-manager/ssh/ssh-privatekey',
        RELEASE_MANAGER_CONFIG_REPO_KNOWN_HOSTS:
          '/etc/release-manager/ssh/known_hosts',
        RELEASE_MANAGER_CONFIG_REPO_USERNAME: 'x-access-token',
        RELEASE_MANAGER_CONFIG_REPO_PASSWORD: 'ghs_x',
        RELEASE_MANAGER_CONFIG_REPO_CA_FILE: '/etc/release-manager/git/ca.crt',
      },
    });
    expect(config.configRepo).toMatchObject({
      url: 'ssh://git@git.example.com/k8s.git',
      sshKeyPath: '/etc/release-manager/ssh/ssh-privatekey',
      knownHostsPath: '/etc/release-manager/ssh/known_hosts',
      username: 'x-access-token',
      password: 'ghs_x',
      caFile: '/etc/release-manager/git/ca.crt',
    });
  });

  it('has no credential defaults', () => {
    const config = loadConfig({ env: { RELEASE_MANAGER_TOKEN: 'api' } });
    expect(config.configRepo.sshKeyPath).toBeUndefined();
    expect(config.configRepo.knownHostsPath).toBeUndefined();
    expect(config.configRepo.username).toBeUndefined();
    expect(config.configRepo.password).toBeUndefined();
    expect(config.configRepo.caFile).toBeUndefined();
  });
});
