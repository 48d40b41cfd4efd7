import crypto from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  auth,
  manifests,
  release,
  spec,
  start,
  TOKEN,
} from '../__testUtils__/helpers';
import { S3ArtifactStore } from '../artifacts/S3ArtifactStore';

/**
 * An in-memory S3 bucket behind S3's documented REST API (path-style:
 * PutObject, GetObject, DeleteObject, ListObjectsV2 with prefix, delimiter and
 * continuation tokens; pages of 3 keys so paging is exercised).
 */
function fakeS3(bucket: string) {
  const objects = new Map<string, Buffer>();
  const xml = (s: string) =>
    s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const handler = http.all('http://s3.test/*', async ({ request }) => {
    const url = new URL(request.url);
    const [, b, ...rest] = url.pathname.split('/');
    if (b !== bucket)
      return new HttpResponse('<Error><Code>NoSuchBucket</Code></Error>', {
        status: 404,
      });
    const key = decodeURIComponent(rest.join('/'));
    if (request.method === 'PUT') {
      objects.set(key, Buffer.from(await request.arrayBuffer()));
      return new HttpResponse(null, { status: 200, headers: { ETag: '"e"' } });
    }
    if (request.method === 'DELETE') {
      objects.delete(key);
      return new HttpResponse(null, { status: 204 });
    }
    if (request.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const delimiter = url.searchParams.get('delimiter');
      const entries = new Set<string>();
      const prefixes = new Set<string>();
      for (const k of [...objects.keys()].sort()) {
        if (!k.startsWith(prefix)) continue;
        const restKey = k.slice(prefix.length);
        const i = delimiter ? restKey.indexOf(delimiter) : -1;
        if (i >= 0) prefixes.add(prefix + restKey.slice(0, i + 1));
        else entries.add(k);
      }
      const all = [
        ...[...entries].map(k => ({ k, p: false })),
        ...[...prefixes].map(k => ({ k, p: true })),
      ].sort((x, y) => x.k.localeCompare(y.k));
      const from = Number(url.searchParams.get('continuation-token') ?? 0);
      const page = all.slice(from, from + 3);
      const truncated = from + 3 < all.length;
      const body = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xml(
        prefix,
      )}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>3</MaxKeys>${
        delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : ''
      }<IsTruncated>${truncated}</IsTruncated>${
        truncated
          ? `<NextContinuationToken>${from + 3}</NextContinuationToken>`
          : ''
      }${page
        .map(e =>
          e.p
            ? `<CommonPrefixes><Prefix>${xml(e.k)}</Prefix></CommonPrefixes>`
            : `<Contents><Key>${xml(
                e.k,
              )}</Key><LastModified>2026-11-21T10:00:00.000Z</LastModified><ETag>"e"</ETag><Size>${
                objects.get(e.k)!.length
              }</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('')}</ListBucketResult>`;
      return new HttpResponse(body, {
        status: 200,
        headers: { 'Content-Type': 'application/xml' },
      });
    }
    if (request.method === 'GET') {
      const o = objects.get(key);
      if (!o) {
        return new HttpResponse(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${xml(
            key,
          )}</Key></Error>`,
          { status: 404, headers: { 'Content-Type': 'application/xml' } },
        );
      }
      return new HttpResponse(o, {
        status: 200,
        headers: { 'Content-Length': String(o.length), ETag: '"e"' },
      });
    }
    return new HttpResponse(null, { status: 405 });
  });
  return { objects, handler };
}

describe('S3 artifact store', () => {
  const s3 = fakeS3('artifacts');
  const server = setupServer(s3.handler);
  beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
  afterAll(() => server.close());

  const s3Config = {
    type: 's3' as const,
    s3: {
      bucket: 'artifacts',
      prefix: 'slipway/',
      endpoint: 'http://s3.test',
      forcePathStyle: true,
      accessKeyId: 'test',
      secretAccessKey: 'test-secret',
    },
  };

  it('stores artifacts in the bucket and serves releases, describe and uploads from it, across a restart', async () => {
    const rm = await start({ artifacts: s3Config });
    const dataDir = rm.dataDir;
    const ids: string[] = [];
    try {
      for (const branch of ['main', 'feature/a', 'main', 'main']) {
        const s = spec('svc-s3', branch);
        const res = await rm
          .http()
          .post('/artifacts/create')
          .set(auth)
          .send({ artifact: s, manifests: manifests('svc-s3') });
        expect(res.status).toBe(201);
        ids.push(s.id);
      }
      expect(s3.objects.has(`slipway/svc-s3/${ids[0]}/artifact.json`)).toBe(
        true,
      );
      expect(s3.objects.has(`slipway/svc-s3/${ids[0]}/meta.json`)).toBe(true);
      expect(
        s3.objects
          .get(`slipway/svc-s3/${ids[0]}/manifests/dev/40-deployment.yaml`)
          ?.toString(),
      ).toContain('kind: Deployment');

      const rel = await release(rm, {
        service: 'svc-s3',
        environment: 'dev',
        artifactId: ids[3],
      });
      expect(rel.status).toBe(200);
      expect(
        rm.git('show', 'main:dev/releases/payments/svc-s3/40-deployment.yaml'),
      ).toContain('name: svc-s3');

      const all = await rm
        .http()
        .get('/describe/artifact/svc-s3?count=10')
        .set(auth);
      expect(all.body.artifacts.map((a: any) => a.id)).toEqual(
        [...ids].reverse(),
      );
      const latest = await rm
        .http()
        .get('/describe/latest-artifact/svc-s3?branch=feature/a')
        .set(auth);
      expect(latest.body.artifacts[0].id).toBe(ids[1]);

      // The upload-URL flow: spec first, manifests later.
      const later = spec('svc-s3');
      const body = JSON.stringify(manifests('svc-s3'));
      const md5 = crypto.createHash('md5').update(body).digest('base64');
      const created = await rm
        .http()
        .post('/artifacts/create')
        .set(auth)
        .send({ artifact: later, md5 });
      expect(s3.objects.has(`slipway/.pending/svc-s3/${later.id}.json`)).toBe(
        true,
      );
      const url = new URL(created.body.artifactUploadUrl);
      const up = await rm
        .http()
        .put(`${url.pathname}${url.search}`)
        .set(auth)
        .set('content-type', 'application/json')
        .send(body);
      expect(up.status).toBe(201);
      expect(s3.objects.has(`slipway/.pending/svc-s3/${later.id}.json`)).toBe(
        false,
      );
      expect(
        (
          await release(rm, {
            service: 'svc-s3',
            environment: 'staging',
            artifactId: later.id,
          })
        ).status,
      ).toBe(200);
    } finally {
      await rm.stop();
    }

    // A new server on the same bucket (and config repo) sees everything.
    const again = await start({ dataDir, artifacts: s3Config });
    try {
      const svcs = await again.http().get('/services').set(auth);
      expect(svcs.body.services).toEqual(['svc-s3']);
      const list = await again
        .http()
        .get('/describe/artifact/svc-s3?count=10')
        .set(auth);
      expect(list.body.artifacts).toHaveLength(5);
      const rb = await again
        .http()
        .post('/release')
        .set(auth)
        .send({
          service: 'svc-s3',
          environment: 'dev',
          artifactId: ids[0],
          intent: { type: 'ReleaseArtifact' },
          committerName: 'Jane Doe',
          committerEmail: 'jane@example.com',
        });
      expect(rb.status).toBe(200);
    } finally {
      await again.stop();
    }
    expect(TOKEN).toBeTruthy();
  });

  it('reads nothing for unknown or invalid artifacts', async () => {
    const store = new S3ArtifactStore({ ...s3Config.s3, prefix: 'other/' });
    expect(
      await store.get('svc-s3', 'main-0000000000-0000000000'),
    ).toBeUndefined();
    expect(await store.get('../x', 'y')).toBeUndefined();
    expect(
      await store.getManifests('svc-s3', 'main-0000000000-0000000000', 'dev'),
    ).toBeUndefined();
    expect(await store.list('svc-s3')).toEqual([]);
    expect(await store.services()).toEqual([]);
  });
});
