import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

/** The containers.conf these machines need (see ../shared/ENVIRONMENT.md). */
export const CONTAINERS_CONF_TEXT =
  '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n';

/**
 * Writes `file` with {@link CONTAINERS_CONF_TEXT} when it does not exist (the
 * local cluster normally writes it first), and returns its path.
 */
export function ensureContainersConf(file: string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, CONTAINERS_CONF_TEXT);
  }
  return file;
}

/** Output of one podman command. */
export interface PodmanResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs the `podman` CLI with `CONTAINERS_CONF` set. Every call is one child
 * process; `events()` keeps one running.
 */
export class PodmanCli {
  constructor(
    private readonly options: {
      /** Path of containers.conf (`CONTAINERS_CONF`). */
      containersConf?: string;
      /** The podman binary (default `podman`). */
      binary?: string;
    } = {},
  ) {}

  private env(): NodeJS.ProcessEnv {
    return this.options.containersConf
      ? { ...process.env, CONTAINERS_CONF: this.options.containersConf }
      : process.env;
  }

  /** Runs `podman <args>`; rejects with podman's stderr when it exits non-zero. */
  run(args: string[], timeoutMs = 30_000): Promise<PodmanResult> {
    return new Promise((resolve, reject) => {
      execFile(
        this.options.binary ?? 'podman',
        args,
        { env: this.env(), maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new Error(
                `podman ${args[0]} failed: ${
                  String(stderr).trim() || error.message
                }`,
              ),
            );
          } else resolve({ stdout: String(stdout), stderr: String(stderr) });
        },
      );
    });
  }

  /**
   * Starts `podman events --format json <filters>` and calls `onLine` per
   * output line; `onExit` when the process ends.
   */
  events(
    filters: string[],
    onLine: (line: string) => void,
    onExit: (reason: string) => void,
  ): ChildProcess {
    const child = spawn(
      this.options.binary ?? 'podman',
      ['events', '--format', 'json', ...filters.flatMap(f => ['--filter', f])],
      { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', d => {
      stderr = (stderr + String(d)).slice(-2000);
    });
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    child.on('error', e => onExit(e.message));
    child.on('exit', (code, signal) =>
      onExit(
        `podman events exited (${signal ?? code})${
          stderr.trim() ? `: ${stderr.trim()}` : ''
        }`,
      ),
    );
    return child;
  }
}
