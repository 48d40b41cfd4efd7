import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { executeRun } from './runner';
import { RunStore } from './store';
import { CiRun, CiRunRequest } from './types';

/** Options of {@link createLocalCi}. */
export interface LocalCiOptions {
  /** State folder: runs, logs and the clones of running builds (`$SLIPWAY_DATA/local-ci`). */
  dataDir: string;
  /** Only bare repositories inside this folder are built (`$SLIPWAY_DATA/repos`). */
  reposDir: string;
  /** Base URL the logs are linked with, e.g. `http://localhost:7400` (no trailing slash). */
  publicUrl: string;
  /** Environment of every `ci/run.sh` (PATH, RELEASE_MANAGER_URL, tokens, IMAGE prefix, ...). */
  env: NodeJS.ProcessEnv;
  /** Per-run time limit in milliseconds; default 600 000. */
  timeoutMs?: number;
  /** Lock file every run holds shared (see `ExecuteRunOptions.runLock`). */
  runLock?: string;
}

/** A running local CI: its HTTP server (not listening yet), its runs, and its queue. */
export interface LocalCi {
  server: http.Server;
  store: RunStore;
  /**
   * Queues a run for a push (validated like `POST /runs`).
   * @throws RequestError (status 400) naming the bad field
   */
  enqueue(request: unknown): CiRun;
  /** Resolves when no run is queued or running. */
  idle(): Promise<void>;
}

/** A client error: HTTP `status` with `message` naming the field. */
export class RequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const runRequestSchema = z.object({
  repository: z.string().min(1),
  ref: z.string().regex(/^refs\/heads\/\S+$/, 'must be refs/heads/<branch>'),
  sha: z.string().regex(/^[0-9a-f]{40}$/, 'must be 40 lower-case hex characters'),
});

function parseRequest(body: unknown, reposDir: string): CiRunRequest & { path: string } {
  const parsed = runRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RequestError(
      400,
      `${issue.path.join('.') || 'body'}: ${issue.message}`,
    );
  }
  const { repository, ref, sha } = parsed.data;
  const root = fs.realpathSync(path.resolve(reposDir));
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(repository));
  } catch {
    throw new RequestError(400, `repository: ${repository} does not exist`);
  }
  if (path.dirname(real) !== root || !real.endsWith('.git')) {
    throw new RequestError(
      400,
      `repository: ${repository} is not a bare repository <name>.git directly in ${root}`,
    );
  }
  if (!fs.existsSync(path.join(real, 'HEAD'))) {
    throw new RequestError(400, `repository: ${repository} is not a git repository`);
  }
  return { repository: path.basename(real).replace(/\.git$/, ''), ref, sha, path: real };
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 64 * 1024) throw new RequestError(413, 'body: larger than 64 KiB');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new RequestError(400, 'body: not JSON');
  }
}

/**
 * Creates the local CI. Pushes are queued and built one at a time (the machines this
 * runs on are small), in push order. HTTP API:
 * - `GET /healthz` → `{status: 'ok', queued, running, reposDir}` (the absolute repos folder)
 * - `POST /runs` `{repository, ref, sha}` ({@link CiRunRequest}) → 202 with the queued
 *   {@link CiRun}; 400 naming the field when the repository is not a bare repo directly
 *   in the repos folder, the ref is not a branch or the sha is not 40 hex
 * - `GET /runs?repository=&sha=` → `{runs: CiRun[]}`, newest first
 * - `GET /runs/{id}` → the run, 404 when unknown
 * - `GET /runs/{id}/log` → the log as `text/plain` (grows while the run runs)
 */
export function createLocalCi(options: LocalCiOptions): LocalCi {
  const store = new RunStore(options.dataDir);
  const workRoot = path.join(options.dataDir, 'work');
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;

  const enqueue = (body: unknown): CiRun => {
    const request = parseRequest(body, options.reposDir);
    const id = store.nextId(request.repository);
    const run = store.save({
      id,
      repository: request.repository,
      ref: request.ref,
      branch: request.ref.replace(/^refs\/heads\//, ''),
      sha: request.sha,
      status: 'queued',
      createdAt: new Date().toISOString(),
      logUrl: `${options.publicUrl}/runs/${encodeURIComponent(id)}/log`,
    });
    pending++;
    tail = tail.then(() =>
      executeRun(store.get(id)!, {
        store,
        repositoryPath: request.path,
        workRoot,
        env: options.env,
        timeoutMs: options.timeoutMs,
        runLock: options.runLock,
      }).finally(() => {
        pending--;
      }),
    );
    return run;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    (async () => {
      if (req.method === 'GET' && url.pathname === '/healthz') {
        const running = store.list().filter(r => r.status === 'running').length;
        return send(res, 200, {
          status: 'ok',
          queued: pending - running,
          running,
          reposDir: fs.realpathSync(path.resolve(options.reposDir)),
        });
      }
      if (parts[0] === 'runs' && parts.length === 1) {
        if (req.method === 'POST') return send(res, 202, enqueue(await readJson(req)));
        if (req.method === 'GET') {
          const runs = store.list({
            repository: url.searchParams.get('repository') ?? undefined,
            sha: url.searchParams.get('sha') ?? undefined,
          });
          return send(res, 200, { runs });
        }
      }
      if (req.method === 'GET' && parts[0] === 'runs' && parts.length >= 2) {
        const run = store.get(parts[1]);
        if (!run) throw new RequestError(404, `run ${parts[1]} not found`);
        if (parts.length === 2) return send(res, 200, run);
        if (parts.length === 3 && parts[2] === 'log') {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          return res.end(store.readLog(run.id));
        }
      }
      throw new RequestError(404, `no route ${req.method} ${url.pathname}`);
    })().catch(error => {
      const status = error instanceof RequestError ? error.status : 500;
      send(res, status, { status, message: error.message });
    });
  });

  return {
    server,
    store,
    enqueue,
    idle: async () => {
      for (;;) {
        const current = tail;
        await current;
        if (current === tail) return;
      }
    },
  };
}
