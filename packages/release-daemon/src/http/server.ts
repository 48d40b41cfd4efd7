import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { BackendHealth } from '../core/types';

/** A running HTTP server and how to stop it. */
export interface DaemonHttpServer {
  /** The port it listens on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /healthz` (200 `{status:"ok",backend,message}` while the backend
 * watches, else 503 with the reason) and `GET /metrics` (Prometheus text
 * format from `registry`). Anything else is 404.
 */
export function startHttpServer(options: {
  port: number;
  host?: string;
  backend: string;
  health: () => BackendHealth;
  registry: Registry;
}): Promise<DaemonHttpServer> {
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (url === '/healthz') {
      const h = options.health();
      res
        .writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({
            status: h.ok ? 'ok' : 'unavailable',
            backend: options.backend,
            message: h.message,
          }),
        );
      return;
    }
    if (url === '/metrics') {
      options.registry.metrics().then(
        text =>
          res
            .writeHead(200, { 'content-type': options.registry.contentType })
            .end(text),
        error =>
          res
            .writeHead(500, { 'content-type': 'text/plain' })
            .end(String((error as Error).message)),
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 404, message: `no route ${url}` }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>(r => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
