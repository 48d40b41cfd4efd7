import fs from 'node:fs';
import path from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { serve } from '../server';
import { resolveConfig, ReleaseManagerConfigInput } from '../config';
import { Running, tmpDir, TOKEN } from './helpers';

const execFileAsync = promisify(execFile);

/** The environment of a git process run by a test, without the hook variables of an outer git. */
function cleanGitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('GIT_')) env[k] = v;
  }
  return env;
}

/** Creates an empty bare repository (branch `main`) at `dir`. */
export function createBareRepo(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', dir]);
  return dir;
}

/** Runs git in the bare repository on the server side (not through the transport). */
export function serverGit(bare: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: bare,
    encoding: 'utf8',
    env: cleanGitEnv(),
  });
}

/**
 * A second writer: clones the bare repository by path, commits `file` and pushes to
 * `main`, as another release manager or a person would.
 * @returns the sha it pushed
 */
export async function pushFromSecondWriter(
  bare: string,
  file = 'second-writer.txt',
): Promise<string> {
  const work = path.join(tmpDir('rm-second-writer-'), 'w');
  const env = cleanGitEnv();
  const git = (...args: string[]) =>
    execFileAsync('git', args, { cwd: work, env }).then(r => r.stdout.trim());
  await execFileAsync('git', ['clone', '-q', bare, work], { env });
  fs.writeFileSync(path.join(work, file), `written by a second writer\n`);
  await git('add', file);
  await git(
    '-c',
    'user.name=Second Writer',
    '-c',
    'user.email=second@example.com',
    'commit',
    '-q',
    '-m',
    `second writer: ${file}`,
  );
  await git('push', '-q', 'origin', 'HEAD:main');
  return git('rev-parse', 'HEAD');
}

/**
 * Installs a `pre-receive` hook in the bare repository that, once armed by
 * `arm()`, has a second writer (another clone, by path) push to `main` while the
 * armed push waits in the hook. The armed push then fails on the server's
 * compare-and-swap of the ref (`cannot lock ref ... is at X but expected Y`): a
 * second writer that won the race between the lease check and the ref update.
 */
export function installRacingHook(bare: string): { arm(): void } {
  const marker = path.join(bare, 'race-armed');
  const hook = path.join(bare, 'hooks', 'pre-receive');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(
    hook,
    [
      '#!/bin/sh',
      `[ -e ${q(marker)} ] || exit 0`,
      `rm -f ${q(marker)}`,
      // A clean environment: the hook's GIT_DIR and quarantine variables must not leak.
      `env -i PATH="$PATH" HOME="$HOME" sh -c 'set -e; d=$(mktemp -d); git clone -q "$1" "$d/w"; cd "$d/w"; echo raced > race.txt; git add race.txt; git -c user.name="Second Writer" -c user.email=second@example.com commit -q -m "second writer: race.txt"; git push -q origin HEAD:main' _ ${q(
        bare,
      )} >&2`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { arm: () => fs.writeFileSync(marker, '') };
}

/** A release manager started with {@link startWithRemote}, and what it logged. */
export type RemoteRunning = Running & {
  /** Every line the release manager logged (info and error). */
  logs: string[];
};

/**
 * Starts a release manager (temp data folder, SQLite, no idle poll) on a network
 * config repo, with a logger that records every line. `git` and `subjects()` of
 * ./helpers read the bare repository `bare` on the server side.
 *
 * @throws what `serve` throws (e.g. ServiceUnavailableError when the remote refuses)
 */
export async function startWithRemote(
  bare: string,
  configRepo: NonNullable<ReleaseManagerConfigInput['configRepo']>,
  logs: string[] = [],
): Promise<RemoteRunning> {
  const dataDir = tmpDir();
  const config = resolveConfig({
    port: 0,
    host: '127.0.0.1',
    auth: { token: TOKEN },
    dataDir,
    configRepo: { pollIntervalSeconds: 0, ...configRepo },
  });
  const logger = {
    info: (m: string) => logs.push(m),
    error: (m: string) => logs.push(m),
  };
  const running = await serve(config, logger);
  return {
    ...running,
    dataDir,
    config,
    logs,
    http: () => request(running.url),
    git: (...args: string[]) => serverGit(bare, ...args),
  };
}

/** The value of a Prometheus counter in the release manager's `/metrics`. */
export async function metric(rm: Running, name: string): Promise<number> {
  const res = await rm.http().get('/metrics');
  const line = String(res.text)
    .split('\n')
    .find(l => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}
