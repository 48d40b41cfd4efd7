import { redact } from './exec';

/** Why a remote refused to talk, when git's output says so clearly. */
export type CredentialFailure =
  | 'credentials'
  | 'host-key'
  | 'key-file'
  | 'certificate';

const PATTERNS: Array<[CredentialFailure, RegExp]> = [
  // ssh: the host key is unknown, or it changed (a possible spoof).
  [
    'host-key',
    /Host key verification failed|host key is known for|REMOTE HOST IDENTIFICATION HAS CHANGED|host key for .* has changed/i,
  ],
  // https: the server's certificate does not verify against the trusted CAs.
  [
    'certificate',
    /server certificate verification failed|SSL certificate problem|certificate verify failed|error setting certificate/i,
  ],
  // ssh: the deploy key file is missing, unreadable or not a key.
  ['key-file', /Identity file .* not accessible|Load key .*:/i],
  // HTTPS 401/403 (wrong or revoked token), ssh key not authorized.
  [
    'credentials',
    /Authentication failed|could not read (Username|Password)|returned error: 40[13]|Permission denied \(|Access denied|Invalid username or password/i,
  ],
];

/** True for an `http://` or `https://` remote URL (else ssh or a path). */
function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function advice(kind: CredentialFailure, url: string): string {
  switch (kind) {
    case 'host-key':
      return "cannot be trusted: its SSH host key is not in known_hosts or has changed (configRepo.knownHostsPath / RELEASE_MANAGER_CONFIG_REPO_KNOWN_HOSTS must hold the server's host key)";
    case 'certificate':
      return 'cannot be trusted: its TLS certificate does not verify (for a private CA set configRepo.caFile / RELEASE_MANAGER_CONFIG_REPO_CA_FILE to its PEM file)';
    case 'key-file':
      return 'cannot be reached: the SSH deploy key in configRepo.sshKeyPath / RELEASE_MANAGER_CONFIG_REPO_SSH_KEY is missing or unreadable';
    default:
      return isHttp(url)
        ? 'refused the credentials (check the token in configRepo.password / RELEASE_MANAGER_CONFIG_REPO_PASSWORD and the user in configRepo.username, and that it may push)'
        : 'refused the credentials (check that the public half of configRepo.sshKeyPath / RELEASE_MANAGER_CONFIG_REPO_SSH_KEY is a deploy key of the repository with write access)';
  }
}

/**
 * Classifies a failed git command that talked to the remote.
 * @returns what was refused and git's line that says so (credentials removed from
 *   URLs), or `undefined` when the failure is something else (network, missing repo ...)
 */
export function credentialFailure(
  error: unknown,
): { kind: CredentialFailure; line: string } | undefined {
  const lines = String((error as Error)?.message ?? error)
    .split('\n')
    .map(l => l.trim());
  for (const [kind, pattern] of PATTERNS) {
    const line = lines.find(l => pattern.test(l));
    if (line) {
      // The first line carries the command ("git push ... failed (128): <stderr>").
      let text = line
        .replace(/^git .* failed \(\d+\): /, '')
        // ssh's banner decoration: "@    WARNING: ... CHANGED!     @"
        .replace(/^@+\s*|\s*@+$/g, '');
      if (/could not read (Username|Password)/i.test(text)) {
        // git asks for a user name after a 401 to the credentials it sent as a header
        text = `the server answered 401 Unauthorized (git: ${text})`;
      }
      return { kind, line: redact(text) };
    }
  }
  return undefined;
}

/**
 * The message of a remote failure caused by credentials or the host key, naming the
 * remote (`displayUrl`, already redacted) and never the secret: e.g.
 * `config repo https://git.example.com/k8s-config.git refused the credentials (...): ...`.
 * @returns the message, or `undefined` when the failure is not about credentials
 */
export function credentialFailureMessage(
  displayUrl: string,
  error: unknown,
): string | undefined {
  const failure = credentialFailure(error);
  if (!failure) return undefined;
  return `config repo ${displayUrl} ${advice(failure.kind, displayUrl)}: ${
    failure.line
  }`;
}
