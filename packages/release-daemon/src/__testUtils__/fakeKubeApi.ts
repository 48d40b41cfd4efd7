import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

interface Collection {
  kind: string;
  apiVersion: string;
  items: Map<string, any>;
  watchers: Set<http.ServerResponse>;
}

/**
 * A local HTTP server that speaks the Kubernetes API's list + watch protocol
 * for a few collections (as kube-apiserver does: `GET <collection>` returns a
 * `<Kind>List` with `metadata.resourceVersion`; `GET <collection>?watch=true&resourceVersion=N`
 * keeps a chunked response open and writes one JSON watch event
 * `{"type":"ADDED"|"MODIFIED"|"DELETED","object":{…}}` per line), plus the pod
 * log endpoint `GET /api/v1/namespaces/{ns}/pods/{name}/log`.
 */
export async function startFakeKubeApi() {
  let resourceVersion = 1000;
  const collections = new Map<string, Collection>();
  const logs = new Map<string, string>();
  const requests: string[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(
      url.pathname,
    );
    if (log) {
      const key = `${log[1]}/${log[2]}/${url.searchParams.get('container')}/${
        url.searchParams.get('previous') === 'true' ? 'previous' : 'current'
      }`;
      const text = logs.get(key);
      if (text === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: `no logs for ${key}`,
            reason: 'NotFound',
            code: 404,
          }),
        );
        return;
      }
      const tail = Number(url.searchParams.get('tailLines') ?? 0);
      const lines = text.split('\n').filter(l => l !== '');
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`${(tail ? lines.slice(-tail) : lines).join('\n')}\n`);
      return;
    }
    const c = collections.get(url.pathname);
    if (!c) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: `the server could not find the requested resource (${url.pathname})`,
          reason: 'NotFound',
          code: 404,
        }),
      );
      return;
    }
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      res.flushHeaders();
      c.watchers.add(res);
      res.on('close', () => c.watchers.delete(res));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        kind: `${c.kind}List`,
        apiVersion: c.apiVersion,
        metadata: { resourceVersion: String(resourceVersion) },
        items: [...c.items.values()],
      }),
    );
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const key = (o: any) => `${o.metadata.namespace}/${o.metadata.name}`;

  return {
    url,
    requests,
    /** Declares a collection path, e.g. `/apis/apps/v1/namespaces/payments/deployments`. */
    collection(
      path: string,
      kind: string,
      apiVersion: string,
      items: any[] = [],
    ) {
      const c: Collection = {
        kind,
        apiVersion,
        items: new Map(),
        watchers: new Set(),
      };
      for (const item of items) {
        item.metadata.resourceVersion = String(++resourceVersion);
        c.items.set(key(item), item);
      }
      collections.set(path, c);
    },
    /** Sends a watch event to every open watch of `path` (and updates the list). */
    emit(path: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: any) {
      const c = collections.get(path)!;
      object.metadata.resourceVersion = String(++resourceVersion);
      if (type === 'DELETED') c.items.delete(key(object));
      else c.items.set(key(object), object);
      for (const w of c.watchers)
        w.write(`${JSON.stringify({ type, object })}\n`);
    },
    /** Number of open watch connections on `path`. */
    watchers: (path: string) => collections.get(path)?.watchers.size ?? 0,
    /** Ends every open watch of `path` (the API server's watch timeout). */
    endWatches(path: string) {
      const watchers = collections.get(path)?.watchers;
      for (const w of [...(watchers ?? [])]) {
        watchers!.delete(w);
        w.end();
      }
    },
    /** Sets the log text of `ns/pod/container`, of the previous run or the current one. */
    setLogs(
      ns: string,
      pod: string,
      container: string,
      previous: boolean,
      text: string,
    ) {
      logs.set(
        `${ns}/${pod}/${container}/${previous ? 'previous' : 'current'}`,
        text,
      );
    },
    kubeConfig(): KubeConfig {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'daemon', token: 'fake-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'daemon' }],
        currentContext: 'fake',
      });
      return kc;
    },
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
