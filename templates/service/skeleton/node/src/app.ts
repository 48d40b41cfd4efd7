import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service name: the `service` label of every metric. */
export const SERVICE = '${{ values.name }}';

/**
 * Creates the HTTP server (not listening): `GET /hello?name=` (JSON greeting),
 * `GET /healthz` (200 `{"status":"ok"}`), `GET /metrics` (Prometheus text format 0.0.4:
 * `http_requests_total{service,method,route,code}` and `http_request_duration_seconds`,
 * plus the Node process metrics). Anything else is 404.
 */
export function createApp(registry: Registry = new Registry()): Server {
  registry.setDefaultLabels({ service: SERVICE });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code.',
    labelNames: ['method', 'route', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      send(res, 200, { status: 'ok' });
      return '/healthz';
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
      return '/metrics';
    }
    if (req.method === 'GET' && url.pathname === '/hello') {
      const name = url.searchParams.get('name') ?? 'world';
      send(res, 200, { message: `Hello, ${name}!` });
      return '/hello';
    }
    send(res, 404, { message: `no route ${req.method} ${url.pathname}` });
    return 'other';
  }

  return createServer((req, res) => {
    const end = duration.startTimer();
    handle(req, res)
      .catch(e => {
        send(res, 500, { message: String(e) });
        return 'error';
      })
      .then(route => {
        end({ method: req.method, route });
        requests.inc({ method: req.method, route, code: String(res.statusCode) });
      });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
