import { spawn } from 'node:child_process';

/** Options of {@link runGit}. */
export interface RunGitOptions {
  /** Working directory (the git dir of a bare repository, or a work tree). */
  cwd?: string;
  /** Environment; default the process's. */
  env?: NodeJS.ProcessEnv;
  /** Written to the process's stdin, which is then closed. */
  input?: Buffer | string;
}

/**
 * Runs the system `git` with `args` (no shell) and resolves with its stdout (UTF-8).
 *
 * @throws Error whose message holds the command and git's stderr when git exits non-zero
 *   or cannot be started
 */
export function runGit(
  args: string[],
  options: RunGitOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn('git', args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    proc.stdout.on('data', d => out.push(d));
    proc.stderr.on('data', d => err.push(d));
    proc.on('error', reject);
    proc.on('close', code => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
      } else {
        const stderr = Buffer.concat(err).toString('utf8').trim();
        const stdout = Buffer.concat(out).toString('utf8').trim();
        reject(
          new Error(
            `git ${args
              .filter(a => !a.startsWith('http.extraHeader'))
              .join(' ')} failed (${code}): ${[stderr, stdout]
              .filter(Boolean)
              .join('\n')}`,
          ),
        );
      }
    });
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(options.input);
  });
}

/** Parses `Key: value` lines of the last paragraph of a commit message (git trailers). */
export function parseTrailers(message: string): Record<string, string> {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const out: Record<string, string> = {};
  for (const line of last.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*): (.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Removes credentials from URLs in a message: `https://user:pw@host` and
 * `https://token@host` → `https://***@host`. The user name of an ssh URL
 * (`ssh://git@host/...`) is kept, as it is no secret; a password in one is not.
 */
export function redact(s: string): string {
  return s.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/gi,
    (match, scheme: string, userinfo: string) =>
      /^(ssh|git\+ssh|ssh\+git):\/\/$/i.test(scheme) && !userinfo.includes(':')
        ? match
        : `${scheme}***@`,
  );
}

/** The most telling line of a git error (`fatal:`, `error:`, `rejected` ...), redacted. */
export function firstLine(error: unknown): string {
  const msg = String((error as Error)?.message ?? error);
  const lines = msg
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !/^hint:/.test(l));
  return redact(
    lines.find(l => /fatal|error|rejected|declined/i.test(l)) ??
      lines[0] ??
      'unknown error',
  );
}
