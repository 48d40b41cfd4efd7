import { execFile } from 'node:child_process';

/** Output of a finished command. */
export interface ExecResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `file` with `args` (no shell) and resolves with its output.
 * @throws Error whose message names the command and ends with its stderr, when it exits non-zero or cannot start
 */
export function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 300_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr || error.message)
            .trim()
            .split('\n')
            .slice(-5)
            .join('\n');
          reject(
            new Error(
              `${file} ${args.slice(0, 3).join(' ')} failed: ${detail}`,
            ),
          );
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** True when `file` can be run (found on PATH and executable). */
export async function available(file: string, versionArg = '--version') {
  try {
    await run(file, [versionArg], { timeoutMs: 20_000 });
    return true;
  } catch {
    return false;
  }
}
