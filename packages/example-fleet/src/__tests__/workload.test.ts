import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildWorkload } from '../workload';

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Proc {
  child: ChildProcess;
  url: string;
  output: () => string;
  exit: Promise<number | null>;
}

const running: Proc[] = [];

async function startWorkload(
  bin: string,
  env: Record<string, string>,
): Promise<Proc> {
  const port = await freePort();
  const child = spawn(bin, [], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      SERVICE_NAME: 'ledger',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', d => (out += d));
  child.stderr!.on('data', d => (out += d));
  const exit = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code)),
  );
  const proc = {
    child,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exit,
  };
  running.push(proc);
  return proc;
}

async function waitUp(p: Proc) {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${p.url}/healthz`);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 50));
    }
  }
  throw new Error(`workload did not listen: ${p.output()}`);
}

/** Parses the Prometheus text format 0.0.4 strictly enough to catch format errors. */
function parseMetrics(text: string) {
  const types = new Map<string, string>();
  const samples: Array<{
    name: string;
    labels: Record<string, string>;
    value: number;
  }> = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type =
      /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(
        line,
      );
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = m[2] ?? '';
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;
    let pos = 0;
    while (pos < labelText.length) {
      re.lastIndex = pos;
      const l = re.exec(labelText);
      if (!l) throw new Error(`bad labels in: ${line}`);
      labels[l[1]] = l[2];
      pos = re.lastIndex;
    }
    const value = Number(m[3].replace('+Inf', 'Infinity'));
    if (Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
    const family = m[1].replace(/_(bucket|sum|count)$/, '');
    if (!types.has(m[1]) && !types.has(family))
      throw new Error(`no TYPE before ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

const describeIfGo = hasGo() ? describe : describe.skip;

describeIfGo('the demo workload (built with go, run as a process)', () => {
  let bin: string;
  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-workload-'));
    bin = await buildWorkload(dir);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        await p.exit;
      }
    }
  });

  it('answers 5xx for roughly ERROR_RATIO of the requests, and counts them in /metrics', async () => {
    const p = await startWorkload(bin, { ERROR_RATIO: '0.2' });
    await waitUp(p);
    const codes: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const res = await Promise.all(
        Array.from({ length: 25 }, () =>
          fetch(`${p.url}/`).then(async r => {
            await r.text();
            return r.status;
          }),
        ),
      );
      codes.push(...res);
    }
    const errors = codes.filter(c => c >= 500).length;
    // 500 requests at p = 0.2: mean 100, sd ≈ 9; accept ±4 sd.
    expect(errors).toBeGreaterThan(64);
    expect(errors).toBeLessThan(136);
    expect(codes.every(c => c === 200 || c === 500 || c === 503)).toBe(true);

    const { types, samples } = parseMetrics(
      await (await fetch(`${p.url}/metrics`)).text(),
    );
    expect(types.get('http_requests_total')).toBe('counter');
    const total = samples
      .filter(s => s.name === 'http_requests_total')
      .reduce((n, s) => n + s.value, 0);
    const fivexx = samples
      .filter(s => s.name === 'http_requests_total' && /^5/.test(s.labels.code))
      .reduce((n, s) => n + s.value, 0);
    expect(total).toBe(500);
    expect(fivexx).toBe(errors);
    expect(
      samples.find(
        s => s.name === 'http_requests_total' && s.labels.code === '200',
      ),
    ).toMatchObject({ labels: { method: 'GET', path: '/' } });
  });

  it('answers every request when ERROR_RATIO is unset, and /metrics is a valid histogram with buckets 0.005…5', async () => {
    const p = await startWorkload(bin, { LATENCY_MS: '20' });
    await waitUp(p);
    const started = Date.now();
    const res = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        i % 3 === 0
          ? fetch(`${p.url}/`, {
              method: 'POST',
              body: JSON.stringify({ items: 20 }),
            })
          : fetch(`${p.url}/?items=30`),
      ),
    );
    const bodies = await Promise.all(res.map(r => r.json()));
    expect(res.map(r => r.status)).toEqual(Array(60).fill(200));
    expect(bodies[0]).toMatchObject({ service: 'ledger', items: 20 });
    expect(bodies[1]).toMatchObject({ items: 30, top: expect.any(Array) });
    expect(Date.now() - started).toBeGreaterThan(15);
    expect((await fetch(`${p.url}/nope`)).status).toBe(404);
    // Probes and scrapes are not application traffic.
    await fetch(`${p.url}/healthz`);
    await fetch(`${p.url}/readyz`);

    const text = await (await fetch(`${p.url}/metrics`)).text();
    const { types, samples } = parseMetrics(text);
    expect(types.get('http_request_duration_seconds')).toBe('histogram');
    const get = (labels: Record<string, string>) =>
      samples.filter(
        s =>
          s.name === 'http_request_duration_seconds_bucket' &&
          Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
    const buckets = get({ method: 'GET', path: '/' });
    const les = buckets.map(b => b.labels.le);
    expect(les).toEqual(
      expect.arrayContaining([
        '0.005',
        '0.01',
        '0.025',
        '0.05',
        '0.1',
        '0.25',
        '0.5',
        '1',
        '2.5',
        '5',
        '+Inf',
      ]),
    );
    for (let i = 1; i < buckets.length; i++) {
      expect(buckets[i].value).toBeGreaterThanOrEqual(buckets[i - 1].value);
    }
    const count = samples.find(
      s =>
        s.name === 'http_request_duration_seconds_count' &&
        s.labels.method === 'GET' &&
        s.labels.path === '/',
    )!;
    expect(count.value).toBe(40);
    expect(buckets[buckets.length - 1].value).toBe(40);
    const sum = samples.find(
      s =>
        s.name === 'http_request_duration_seconds_sum' &&
        s.labels.method === 'GET',
    )!;
    // Mean added latency 20 ms (exponential): the mean of 40 is well within 5–80 ms.
    expect(sum.value / 40).toBeGreaterThan(0.005);
    expect(sum.value / 40).toBeLessThan(0.08);
    const all = samples.filter(s => s.name === 'http_requests_total');
    expect(all.map(s => s.labels.path).sort()).toEqual(['/', '/', 'unmatched']);
    expect(all.find(s => s.labels.path === 'unmatched')!.labels.code).toBe(
      '404',
    );
  });

  it('answers /readyz 503 until READY_DELAY_SECONDS have passed, /healthz 200 throughout', async () => {
    const started = Date.now();
    const p = await startWorkload(bin, { READY_DELAY_SECONDS: '2' });
    await waitUp(p);
    expect((await fetch(`${p.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    let readyAt = 0;
    while (Date.now() - started < 6000) {
      const r = await fetch(`${p.url}/readyz`);
      if (r.status === 200) {
        readyAt = Date.now() - started;
        break;
      }
      await new Promise(res => setTimeout(res, 100));
    }
    expect(readyAt).toBeGreaterThanOrEqual(1900);
    expect(readyAt).toBeLessThan(4000);
    expect(p.output()).toContain('ready to serve traffic');
  });

  it('with CRASH_AT_START logs its start-up and the fatal error, then exits 1', async () => {
    const p = await startWorkload(bin, {
      CRASH_AT_START: 'true',
      VERSION: 'main-1a2b3c4d5e-6f7a8b9c0d',
      CRASH_MESSAGE: 'config: required variable SMTP_RELAY_HOST is not set',
    });
    expect(await p.exit).toBe(1);
    const lines = p.output().trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO +starting ledger version=main-1a2b3c4d5e-6f7a8b9c0d/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /ERROR +config: required variable SMTP_RELAY_HOST is not set$/,
      ),
    );
    expect(lines[lines.length - 1]).toMatch(
      /FATAL +exiting: invalid configuration$/,
    );
  });

  it('refuses a bad setting with exit code 2', async () => {
    const p = await startWorkload(bin, { ERROR_RATIO: '1.5' });
    expect(await p.exit).toBe(2);
    expect(p.output()).toContain('ERROR_RATIO must be a number from 0 to 1');
  });
});
