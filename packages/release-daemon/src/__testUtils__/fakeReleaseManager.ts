import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake release manager received. */
export interface RecordedPost {
  path: string;
  authorization?: string;
  body: any;
  /** Epoch ms. */
  receivedAt: number;
}

/**
 * A stand-in for the release manager's daemon webhooks on 127.0.0.1:<random>:
 * records every POST and answers `{}` (or `status` when set).
 */
export async function startFakeReleaseManager() {
  const posts: RecordedPost[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    let data = '';
    req.on('data', d => {
      data += d;
    });
    req.on('end', () => {
      posts.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: data ? JSON.parse(data) : undefined,
        receivedAt: Date.now(),
      });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    posts,
    setStatus(s: number) {
      status = s;
    },
    /** Resolves with the first post matching `predicate`, polling every 50 ms. */
    async waitFor(
      predicate: (p: RecordedPost) => boolean,
      timeoutMs = 60_000,
    ): Promise<RecordedPost> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = posts.find(predicate);
        if (hit) return hit;
        if (Date.now() > until) {
          throw new Error(
            `no matching post within ${timeoutMs} ms; got ${JSON.stringify(
              posts.map(p => ({ path: p.path, body: p.body })),
              null,
              1,
            )}`,
          );
        }
        await new Promise(r => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
