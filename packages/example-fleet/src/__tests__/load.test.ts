import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { RunningLoad, startLoad } from '../load';

interface FakePod {
  address: string;
  hits: string[];
  ready: boolean;
  close: () => Promise<void>;
}

/** A pod stand-in: records application requests, answers /readyz per `ready`. */
async function fakePod(ready = true, status = 200): Promise<FakePod> {
  const pod: FakePod = { address: '', hits: [], ready, close: async () => {} };
  const server = http.createServer((req, res) => {
    if (req.url === '/readyz') {
      res.statusCode = pod.ready ? 200 : 503;
      res.end();
      return;
    }
    req.resume();
    req.on('end', () => {
      pod.hits.push(`${req.method} ${req.url}`);
      res.statusCode = status;
      res.end('{}');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  pod.address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  pod.close = () =>
    new Promise(r => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return pod;
}

describe('startLoad', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-load-'));
  const file = path.join(dir, 'pods.json');
  let load: RunningLoad | undefined;
  const pods: FakePod[] = [];
  afterEach(async () => {
    await load?.stop();
    await Promise.all(pods.splice(0).map(p => p.close()));
  });

  it('spreads traffic over the ready pods of each service and environment, and follows the file', async () => {
    const [a1, a2, notReady, b1] = await Promise.all([
      fakePod(),
      fakePod(),
      fakePod(false),
      fakePod(true, 500),
    ]);
    pods.push(a1, a2, notReady, b1);
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          targets: [a1.address, a2.address, notReady.address],
          labels: { service: 'ledger', environment: 'prod' },
        },
        {
          targets: [b1.address],
          labels: { service: 'ledger', environment: 'dev' },
        },
      ]),
    );
    load = startLoad({ targetsFile: file, refreshMs: 200, rps: [20, 20] });
    await new Promise(r => setTimeout(r, 2000));
    // 20 req/s for ~2 s per group (Poisson): well above 10 each; prod split over two pods.
    expect(a1.hits.length + a2.hits.length).toBeGreaterThan(15);
    expect(a1.hits.length).toBeGreaterThan(3);
    expect(a2.hits.length).toBeGreaterThan(3);
    expect(Math.abs(a1.hits.length - a2.hits.length)).toBeLessThanOrEqual(2);
    expect(notReady.hits).toEqual([]);
    expect(b1.hits.length).toBeGreaterThan(15);
    expect(a1.hits.every(h => /^(GET \/(\?items=\d+)?|POST \/)$/.test(h))).toBe(
      true,
    );
    const stats = load.stats();
    expect(stats['dev/ledger'].serverErrors).toBe(b1.hits.length);
    expect(stats['prod/ledger'].ok).toBeGreaterThan(15);
    expect(load.pods()['prod/ledger'].sort()).toEqual(
      [a1.address, a2.address].sort(),
    );

    // The pod becomes ready and another is removed from the file.
    notReady.ready = true;
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          targets: [notReady.address],
          labels: { service: 'ledger', environment: 'prod' },
        },
      ]),
    );
    await load.refresh();
    const before = a1.hits.length + a2.hits.length + b1.hits.length;
    await new Promise(r => setTimeout(r, 1000));
    expect(notReady.hits.length).toBeGreaterThan(5);
    // At most the requests in flight at the refresh arrive at the old pods.
    expect(
      a1.hits.length + a2.hits.length + b1.hits.length - before,
    ).toBeLessThanOrEqual(3);
  });
});
