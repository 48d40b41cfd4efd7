import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createApp, SERVICE } from '../src/app.ts';

const server = createApp();
let base = '';
before(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('GET /healthz answers ok', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
});

test('GET /hello greets', async () => {
  const res = await fetch(`${base}/hello?name=Ada`);
  assert.deepEqual(await res.json(), { message: 'Hello, Ada!' });
});

test('unknown routes are 404', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});

test('GET /metrics counts requests in Prometheus text format', async () => {
  await fetch(`${base}/hello`);
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  assert.match(text, /# TYPE http_requests_total counter/);
  assert.ok(
    text.includes(`http_requests_total{method="GET",route="/hello",code="200",service="${SERVICE}"}`),
    text,
  );
  assert.match(text, /http_request_duration_seconds_bucket\{/);
});
