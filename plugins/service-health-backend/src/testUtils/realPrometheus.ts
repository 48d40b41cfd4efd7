import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Path of the prometheus binary (Debian's `prometheus` package), or undefined. */
export function findPrometheus(): string | undefined {
  const candidate = process.env.PROMETHEUS_BIN ?? 'prometheus';
  const probe = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? candidate : undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * A metrics endpoint the test controls: `set('demo_errors_percent{service="a"}', 2)`
 * changes what the next scrape sees (Prometheus text format 0.0.4, gauges).
 */
export class TestExporter {
  private readonly values = new Map<string, number>();
  private server?: Server;
  port = 0;

  set(series: string, value: number) {
    this.values.set(series, value);
  }

  delete(series: string) {
    this.values.delete(series);
  }

  async start() {
    this.server = createServer((_req, res) => {
      const lines = [...this.values].map(([s, v]) => `${s} ${v}`);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`${lines.join('\n')}\n`);
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }
}

/**
 * A real Prometheus server on a free loopback port with a temporary data folder,
 * scraping `targets` (host:port) every second under job `test`.
 */
export class TestPrometheus {
  private child?: ChildProcess;
  private dir?: string;
  private log = '';
  baseUrl = '';

  constructor(private readonly binary: string) {}

  async start(targets: string[]) {
    this.dir = mkdtempSync(join(tmpdir(), 'service-health-prom-'));
    const port = await freePort();
    const configFile = join(this.dir, 'prometheus.yml');
    writeFileSync(
      configFile,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: test',
        '    static_configs:',
        `      - targets: [${targets.map(t => `'${t}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    this.child = spawn(
      this.binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
        '--query.lookback-delta=3s',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.on('data', d => (this.log += d));
    this.child.stderr!.on('data', d => (this.log += d));
    this.baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => (await fetch(`${this.baseUrl}/-/ready`)).ok,
      30_000,
      () => `Prometheus did not become ready:\n${this.log.slice(-2000)}`,
    );
  }

  /** Waits until every target of job `test` has been scraped successfully at least once. */
  async waitForScrape() {
    await waitFor(
      async () => {
        const res = await fetch(
          `${this.baseUrl}/api/v1/query?query=${encodeURIComponent(
            'min(up{job="test"})',
          )}`,
        );
        const json: any = await res.json();
        return json.data?.result?.[0]?.value?.[1] === '1';
      },
      30_000,
      () => `the test exporter was not scraped:\n${this.log.slice(-2000)}`,
    );
  }

  /** Count of instant queries Prometheus has answered (its own `/metrics`, which is not a query itself). */
  async queryCount(): Promise<number> {
    const text = await (await fetch(`${this.baseUrl}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (
        line.startsWith('prometheus_http_requests_total{') &&
        line.includes('handler="/api/v1/query"')
      ) {
        total += Number(line.split(' ').pop());
      }
    }
    return total;
  }

  async stop() {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise(resolve => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `check` every 250 ms until it returns true, or throws `message()` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  message: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(message());
    await new Promise(r => setTimeout(r, 250));
  }
}
