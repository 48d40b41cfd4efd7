/*
 * Benchmark: health of 300 services in ONE `POST /health/batch` call, cold cache and warm
 * cache, against a real Prometheus (Debian's `prometheus`, started here on a free port
 * with a temporary data folder) scraping an exporter with the default signals' metrics
 * for every service (request counters by status code, a latency histogram, cAdvisor CPU,
 * kube-state-metrics limits and readiness), and a local stand-in answering the batch
 * routes of the release-manager plugin (`POST /status/batch`) and the on-call plugin
 * (`POST /incidents/batch`) over HTTP, asked through the real input providers (one
 * request per input per batch).
 *
 * Run: yarn workspace @slipway/plugin-service-health-backend benchmark
 * Prints the figures; the targets are < 10 s cold and < 2 s warm.
 */
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import express from 'express';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createRouter } from '../src/router';
import { readServiceHealthConfig } from '../src/lib/config';
import { HealthService } from '../src/lib/HealthService';
import { OnCallIncidentProvider } from '../src/modules/onCallIncidents';
import { ReleaseManagerRolloutProvider } from '../src/modules/releaseManagerRollout';
import { PrometheusClient } from '../src/lib/PrometheusClient';
import {
  findPrometheus,
  TestExporter,
  TestPrometheus,
} from '../src/testUtils/realPrometheus';

const SERVICES = Number(process.env.SERVICES ?? 300);

async function listen(
  app: express.Express | ((req: any, res: any) => void),
): Promise<{ server: Server; url: string }> {
  const server = createServer(app as any);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

function exporterFor(names: string[], exporter: TestExporter, tick: number) {
  names.forEach((name, i) => {
    const s = `service="${name}"`;
    exporter.set(`http_requests_total{${s},code="200"}`, tick * 100 + i);
    exporter.set(`http_requests_total{${s},code="500"}`, tick * (i % 7));
    // cumulative buckets: 80 % under 50 ms, 99.5 % under 250 ms, all under 1 s
    const buckets: [string, number][] = [
      ['0.05', 80],
      ['0.1', 95],
      ['0.25', 99.5],
      ['0.5', 99.95],
      ['1', 100],
      ['+Inf', 100],
    ];
    for (const [le, perTick] of buckets) {
      exporter.set(
        `http_request_duration_seconds_bucket{${s},le="${le}"}`,
        tick * perTick,
      );
    }
    exporter.set(
      `container_cpu_usage_seconds_total{${s}}`,
      tick * 0.3 * ((i % 10) / 10),
    );
    exporter.set(`kube_pod_container_resource_limits{${s},resource="cpu"}`, 1);
    exporter.set(
      `kube_pod_status_ready{${s},condition="true",pod="${name}-1"}`,
      1,
    );
    exporter.set(
      `kube_pod_status_ready{${s},condition="true",pod="${name}-2"}`,
      i % 13 ? 1 : 0,
    );
  });
}

async function main() {
  const bin = findPrometheus();
  if (!bin)
    throw new Error('prometheus is not installed (apt-get install prometheus)');
  const names = Array.from(
    { length: SERVICES },
    (_, i) => `svc-${String(i).padStart(3, '0')}`,
  );
  const entities: Entity[] = names.map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'service',
      owner: 'group:default/platform',
      lifecycle: 'production',
    },
  }));

  const exporter = new TestExporter();
  await exporter.start();
  let tick = 1;
  exporterFor(names, exporter, tick);
  const ticker = setInterval(() => exporterFor(names, exporter, ++tick), 1000);
  const prometheus = new TestPrometheus(bin);
  await prometheus.start([`127.0.0.1:${exporter.port}`]);
  await prometheus.waitForScrape();
  await new Promise(r => setTimeout(r, 4000)); // a few scrapes, so rate() has data

  // Stand-in for the release-manager and on-call plugins' batch routes (real HTTP round trips).
  let inputRequests = 0;
  const inputs = await listen((req, res) => {
    inputRequests++;
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk));
    req.on('end', () => {
      const { entityRefs } = JSON.parse(raw || '{"entityRefs":[]}');
      res.setHeader('content-type', 'application/json');
      if (req.url.endsWith('/release-manager/status/batch')) {
        res.end(
          JSON.stringify({
            items: entityRefs.map((entityRef: string) => {
              const name = entityRef.split('/').pop()!;
              const phase =
                Number(name.slice(4)) % 17 === 0 ? 'progressing' : 'succeeded';
              return {
                entityRef,
                status: {
                  service: name,
                  environments: ['dev', 'staging', 'prod'].map(env => ({
                    name: env,
                    rollout: {
                      phase,
                      availableReplicas: 2,
                      desiredReplicas: 3,
                      errors: [],
                    },
                  })),
                },
              };
            }),
          }),
        );
      } else {
        res.end(
          JSON.stringify({
            items: entityRefs.map((entityRef: string) => ({
              entityRef,
              items: [],
            })),
          }),
        );
      }
    });
  });

  const config = readServiceHealthConfig(
    new ConfigReader({
      serviceHealth: {
        prometheus: { baseUrl: prometheus.baseUrl, timeoutMs: 10000 },
        cacheTtlSeconds: 60,
      },
    }),
  );
  const providerOptions = {
    discovery: {
      getBaseUrl: async (id: string) => `${inputs.url}/api/${id}`,
      getExternalBaseUrl: async () => '',
    },
    auth: {
      getPluginRequestToken: async () => ({ token: 'bench' }),
    } as any,
    timeoutMs: 5000,
  };
  // INPUTS=off leaves out the rollout and incidents round trips, to see the Prometheus part alone
  const withInputs = process.env.INPUTS !== 'off';
  const health = new HealthService({
    config,
    prometheus: new PrometheusClient(config.prometheus),
    rollout: withInputs
      ? new ReleaseManagerRolloutProvider(providerOptions)
      : undefined,
    incidents: withInputs
      ? new OnCallIncidentProvider(providerOptions)
      : undefined,
  });
  const byRef = new Map(
    entities.map(e => [`component:default/${e.metadata.name}`, e]),
  );
  const router = await createRouter({
    httpAuth: {
      credentials: async () => ({
        principal: { type: 'user', userEntityRef: 'user:default/bench' },
      }),
    } as any,
    catalog: {
      getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
        items: entityRefs.map(r => byRef.get(r)),
      }),
    } as any,
    health,
  });
  const app = express().use('/api/service-health', router);
  const api = await listen(app);

  const before = await prometheus.queryCount();
  const batch = async () => {
    const t0 = performance.now();
    const res = await fetch(`${api.url}/api/service-health/health/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityRefs: [...byRef.keys()] }),
    });
    const body: any = await res.json();
    const ms = performance.now() - t0;
    if (res.status !== 200)
      throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
    const lights: Record<string, number> = {};
    for (const item of body.items)
      lights[item.health.light] = (lights[item.health.light] ?? 0) + 1;
    return { ms, lights, items: body.items.length };
  };

  const cold = await batch();
  const afterCold = await prometheus.queryCount();
  const coldInputRequests = inputRequests;
  const warm = await batch();
  const afterWarm = await prometheus.queryCount();
  const signals = config.signals.length;

  console.log(
    `service-health benchmark: ${SERVICES} services x ${signals} signals, one POST /health/batch`,
  );
  console.log(
    `  cold cache: ${cold.ms.toFixed(0)} ms, ${
      afterCold - before
    } Prometheus queries (max concurrency ${
      config.prometheus.maxConcurrency
    }), ${coldInputRequests} rollout/incidents requests, lights ${JSON.stringify(
      cold.lights,
    )}`,
  );
  console.log(
    `  warm cache: ${warm.ms.toFixed(0)} ms, ${
      afterWarm - afterCold
    } Prometheus queries, ${
      inputRequests - coldInputRequests
    } rollout/incidents requests, lights ${JSON.stringify(warm.lights)}`,
  );
  console.log(
    `  targets: cold < 10000 ms ${
      cold.ms < 10000 ? 'OK' : 'MISSED'
    }, warm < 2000 ms ${warm.ms < 2000 ? 'OK' : 'MISSED'}`,
  );

  clearInterval(ticker);
  api.server.close();
  inputs.server.close();
  await prometheus.stop();
  await exporter.stop();
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
