import http from 'node:http';
import { PodTarget, readPodTargets } from './targets';

/** Options of {@link startLoad}. */
export interface LoadOptions {
  /** The file_sd JSON of the pods (`$SLIPWAY_DATA/local-cluster/file_sd/pods.json`). */
  targetsFile: string;
  /** How often the targets are re-read and the pods' `/readyz` probed, in ms; default 5000. */
  refreshMs?: number;
  /** Requests per second per service and environment: `[min, max]`, default `[2, 5]`; each service gets a steady rate in between. */
  rps?: [number, number];
  /** Per-request timeout, in ms; default 5000. */
  timeoutMs?: number;
  /** Summary every `statsMs` (default 60000) through `log`. */
  statsMs?: number;
  log?: (message: string) => void;
}

/** Counters of one service in one environment. */
export interface GroupStats {
  sent: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  /** Connection refused, reset or timed out. */
  failed: number;
  /** Scheduled requests skipped because no pod was ready. */
  skipped: number;
}

/** A running load generator. */
export interface RunningLoad {
  /** Counters by `<environment>/<service>`. */
  stats(): Record<string, GroupStats>;
  /** Ready pods by `<environment>/<service>` after the last refresh. */
  pods(): Record<string, string[]>;
  /** Re-reads the targets and probes readiness now. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/** A stable number in [0, 1) from a string (FNV-1a), so each service keeps its rate. */
function unit(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

interface Group {
  key: string;
  service: string;
  rate: number;
  pods: PodTarget[];
  next: number;
  inFlight: number;
  timer?: NodeJS.Timeout;
  stats: GroupStats;
}

const MAX_IN_FLIGHT = 16;

/**
 * Sends steady, light traffic to every ready pod of every service in every environment,
 * like a Kubernetes Service would: the targets come from a Prometheus file_sd file
 * (re-read every `refreshMs`), a pod gets traffic only while its `GET /readyz` answers 200,
 * and each service+environment receives Poisson arrivals at its own rate (2–5 req/s by
 * default, spread round-robin over its pods). Requests: `GET /` (75 %),
 * `GET /?items=N` (15 %) and `POST /` with `{"items": N}` (10 %), over keep-alive
 * connections. At most 16 requests per group are in flight, so a slow service is not
 * flooded.
 */
export function startLoad(options: LoadOptions): RunningLoad {
  const refreshMs = options.refreshMs ?? 5000;
  const [minRps, maxRps] = options.rps ?? [2, 5];
  const timeoutMs = options.timeoutMs ?? 5000;
  const log = options.log ?? (() => {});
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: 4,
    maxFreeSockets: 2,
  });
  const groups = new Map<string, Group>();
  let stopped = false;

  const request = (g: Group, pod: PodTarget) => {
    const [host, port] = pod.address.split(':');
    const r = Math.random();
    const items = 10 + Math.floor(Math.random() * 190);
    const method = r < 0.1 ? 'POST' : 'GET';
    const path = r >= 0.1 && r < 0.25 ? `/?items=${items}` : '/';
    const body = method === 'POST' ? JSON.stringify({ items }) : undefined;
    g.inFlight++;
    g.stats.sent++;
    let done = false;
    const finish = (outcome: keyof GroupStats) => {
      if (done) return;
      done = true;
      g.inFlight--;
      g.stats[outcome]++;
    };
    const req = http.request(
      {
        host,
        port: Number(port),
        method,
        path,
        agent,
        timeout: timeoutMs,
        headers: {
          'user-agent': 'slipway-example-fleet-load/1',
          ...(body
            ? {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
              }
            : {}),
        },
      },
      res => {
        const code = res.statusCode ?? 0;
        let outcome: keyof GroupStats = 'ok';
        if (code >= 500) outcome = 'serverErrors';
        else if (code >= 400) outcome = 'clientErrors';
        res.resume();
        res.on('end', () => finish(outcome));
        res.on('close', () => finish(outcome));
        res.on('error', () => {});
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish('failed'));
    req.end(body);
  };

  const schedule = (g: Group) => {
    if (stopped) return;
    // Poisson arrivals: exponential gaps with mean 1/rate seconds.
    const gap = (-Math.log(1 - Math.random()) / g.rate) * 1000;
    g.timer = setTimeout(() => {
      if (stopped) return;
      if (!g.pods.length) g.stats.skipped++;
      else if (g.inFlight < MAX_IN_FLIGHT) {
        request(g, g.pods[g.next++ % g.pods.length]);
      }
      schedule(g);
    }, Math.min(gap, 10_000));
  };

  const ready = (pod: PodTarget) =>
    new Promise<boolean>(resolve => {
      const [host, port] = pod.address.split(':');
      const req = http.get(
        { host, port: Number(port), path: '/readyz', agent, timeout: 1000 },
        res => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(false));
    });

  const refresh = async () => {
    let targets: PodTarget[];
    try {
      targets = readPodTargets(options.targetsFile);
    } catch (error) {
      log(`load: cannot read targets: ${(error as Error).message}`);
      return;
    }
    const readiness = await Promise.all(targets.map(ready));
    const byKey = new Map<string, PodTarget[]>();
    targets.forEach((t, i) => {
      const key = `${t.environment}/${t.service}`;
      if (!byKey.has(key)) byKey.set(key, []);
      if (readiness[i]) byKey.get(key)!.push(t);
    });
    for (const [key, pods] of byKey) {
      let g = groups.get(key);
      if (!g) {
        const service = key.slice(key.indexOf('/') + 1);
        g = {
          key,
          service,
          rate: minRps + unit(key) * (maxRps - minRps),
          pods: [],
          next: 0,
          inFlight: 0,
          stats: {
            sent: 0,
            ok: 0,
            clientErrors: 0,
            serverErrors: 0,
            failed: 0,
            skipped: 0,
          },
        };
        groups.set(key, g);
        if (!stopped) schedule(g);
      }
      g.pods = pods.sort((a, b) => a.address.localeCompare(b.address));
    }
    for (const [key, g] of groups) if (!byKey.has(key)) g.pods = [];
  };

  let refreshing: Promise<void> = refresh();
  const refreshTimer = setInterval(() => {
    refreshing = refreshing.then(refresh);
  }, refreshMs);
  let last = new Map<string, GroupStats>();
  const statsTimer = setInterval(() => {
    const parts: string[] = [];
    let sent = 0;
    let errors = 0;
    for (const [key, g] of [...groups].sort()) {
      const before = last.get(key);
      const d = g.stats.sent - (before?.sent ?? 0);
      const e = g.stats.serverErrors - (before?.serverErrors ?? 0);
      const f = g.stats.failed - (before?.failed ?? 0);
      sent += d;
      errors += e + f;
      if (e + f > 0 || !g.pods.length)
        parts.push(
          `${key}: ${d} sent, ${e} 5xx, ${f} failed, ${g.pods.length} ready pods`,
        );
    }
    last = new Map([...groups].map(([k, g]) => [k, { ...g.stats }]));
    log(
      `load: ${
        groups.size
      } services×environments, ${sent} requests in the last ${Math.round(
        (options.statsMs ?? 60_000) / 1000,
      )}s, ${errors} failed or 5xx${
        parts.length ? `; ${parts.join('; ')}` : ''
      }`,
    );
  }, options.statsMs ?? 60_000);
  statsTimer.unref();

  return {
    stats: () =>
      Object.fromEntries([...groups].map(([k, g]) => [k, { ...g.stats }])),
    pods: () =>
      Object.fromEntries(
        [...groups].map(([k, g]) => [k, g.pods.map(p => p.address)]),
      ),
    refresh: () => {
      refreshing = refreshing.then(refresh);
      return refreshing;
    },
    stop: async () => {
      stopped = true;
      clearInterval(refreshTimer);
      clearInterval(statsTimer);
      for (const g of groups.values()) clearTimeout(g.timer);
      await refreshing.catch(() => {});
      agent.destroy();
    },
  };
}
