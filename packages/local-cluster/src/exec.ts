import { spawn } from 'node:child_process';

/** Options of {@link run}. */
export interface RunOptions {
  cwd?: string;
  /** Extra environment variables (merged over `process.env`). */
  env?: Record<string, string>;
  /** Written to the child's stdin. */
  input?: string;
  /** Kills the child after this many milliseconds (default 120 000). */
  timeoutMs?: number;
}

/** What a finished command printed, and its exit code. */
export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A command that exited non-zero (or could not start); `message` ends with its stderr. */
export class CommandError extends Error {
  constructor(message: string, readonly result: RunResult) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * Runs `command args` without a shell and collects its output.
 * @throws CommandError when it cannot start, times out or exits non-zero
 */
export async function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const result = await runAllowFailure(command, args, options);
  if (result.code !== 0) {
    const detail = (result.stderr.trim() || result.stdout.trim()).slice(-2000);
    throw new CommandError(
      `${command} ${args[0] ?? ''} failed (exit ${result.code})${
        detail ? `: ${detail}` : ''
      }`,
      result,
    );
  }
  return result;
}

/** Like {@link run} but returns non-zero exits (code -1: could not start or timed out). */
export function runAllowFailure(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(-1, `\ntimed out after ${timeoutMs} ms`);
    }, timeoutMs);
    function finish(code: number, extra = '') {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + extra,
        code,
      });
    }
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', e => finish(-1, e.message));
    child.on('close', code => finish(code ?? -1));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}
