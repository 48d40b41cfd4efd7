import http from 'node:http';
import { AddressInfo } from 'node:net';
import type { Reconciler } from './Reconciler';

/** What the HTTP server serves. */
export interface ServerOptions {
  port: number;
  host: string;
  /** The running reconciler; undefined when podman is missing (then `unavailable` says why). */
  reconciler?: Reconciler;
  unavailable?: string;
  /** Extra fields of `/status` (podman version, …). */
  info?: Record<string, unknown>;
  /** Longest wait of `POST /reconcile?wait=true` (ms, default 60 000). */
  waitTimeoutMs?: number;
}

/**
 * The local cluster's HTTP API:
 * - `GET /healthz` → `{status:"ok"}`
 * - `GET /status` → `{available, reason?, …info, cluster, revision, environments:
 *   {<env>: {<service>: {result, message, revision, appliedRevision, pods:[…]}}}}`
 * - `POST /reconcile` → 202 `{triggered:true}` at once; with `?wait=true`, 200 with
 *   the status after a reconcile that started after the request.
 * @returns the listening server (its port, when `port` is 0, from `address()`)
 */
export async function startServer(
  options: ServerOptions,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    handle(options, req, res).catch(e => {
      send(res, 500, { status: 500, message: (e as Error).message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}

/** The port a started server listens on. */
export function portOf(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

function send(res: http.ServerResponse, code: number, body: unknown) {
  if (res.headersSent) return;
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

function status(options: ServerOptions) {
  if (!options.reconciler) {
    return {
      available: false,
      reason: options.unavailable ?? 'not started',
      ...options.info,
    };
  }
  return { available: true, ...options.info, ...options.reconciler.status() };
}

async function handle(
  options: ServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '') || '/'}`;
  switch (route) {
    case 'GET /healthz':
      send(res, 200, { status: 'ok' });
      return;
    case 'GET /status':
      send(res, 200, status(options));
      return;
    case 'POST /reconcile': {
      req.resume();
      if (!options.reconciler) {
        send(res, 503, {
          status: 503,
          message: `local cluster not running: ${options.unavailable}`,
        });
        return;
      }
      const done = options.reconciler.trigger();
      if (url.searchParams.get('wait') !== 'true') {
        send(res, 202, { triggered: true });
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        done.then(() => false),
        new Promise<boolean>(resolve => {
          timer = setTimeout(
            () => resolve(true),
            options.waitTimeoutMs ?? 60_000,
          );
        }),
      ]);
      clearTimeout(timer);
      send(res, timedOut ? 202 : 200, status(options));
      return;
    }
    default:
      send(res, 404, { status: 404, message: `no route ${route}` });
  }
}
