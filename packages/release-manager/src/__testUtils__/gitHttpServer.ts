import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { execFileSync, spawn } from 'node:child_process';

/** A TLS key and certificate (PEM) for 127.0.0.1; `certPath` is what a client trusts. */
export interface TestCertificate {
  key: string;
  cert: string;
  certPath: string;
}

/**
 * Makes a self-signed certificate for `IP:127.0.0.1` with openssl (an ECDSA P-256
 * key, valid for 1 day), as a private CA would issue for an internal git host.
 */
export function selfSignedCertificate(dir: string): TestCertificate {
  const keyPath = path.join(dir, 'tls.key');
  const certPath = path.join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' },
  );
  return {
    key: fs.readFileSync(keyPath, 'utf8'),
    cert: fs.readFileSync(certPath, 'utf8'),
    certPath,
  };
}

/** A smart-HTTP git server on the loopback: `git http-backend` behind basic auth (and TLS). */
export interface GitHttpServer {
  /** `https://127.0.0.1:<port>` (`http://` without TLS) */
  baseUrl: string;
  /** The URL of a repository under the served root, e.g. `url('config.git')`. */
  url(repo: string): string;
  /** Answers pushes with 403 while true, as a host does for a token without write access. */
  readOnly: boolean;
  /** Changes the one accepted user and password (a rotated or revoked token). */
  setCredentials(username: string, password: string): void;
  /**
   * Runs once before the next authenticated push's ref advertisement
   * (`GET .../info/refs?service=git-receive-pack`), then is cleared: lets a test
   * have a second writer push in between a client's fetch and its push.
   */
  beforeNextPush?: () => Promise<void>;
  /** `METHOD path?query -> status` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Starts `git http-backend` (git's own CGI program for the smart HTTP protocol)
 * behind a Node HTTP server on 127.0.0.1 and a free port. Requests without the
 * right `Authorization: Basic` header get a 401 with `WWW-Authenticate`, as a git
 * host answers a wrong or revoked token. Pushes are allowed (`REMOTE_USER` is set).
 *
 * @param options.root - folder holding the bare repositories served
 * @param options.tls - serve HTTPS with this key and certificate (else plain HTTP)
 */
export async function startGitHttpServer(options: {
  root: string;
  username: string;
  password: string;
  tls?: { key: string; cert: string };
}): Promise<GitHttpServer> {
  let expected = basic(options.username, options.password);
  let user = options.username;
  const hooks: { beforeNextPush?: () => Promise<void>; readOnly: boolean } = {
    readOnly: false,
  };
  const requests: string[] = [];

  const handle = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const line = `${req.method} ${url.pathname}${url.search}`;
    res.on('finish', () => requests.push(`${line} -> ${res.statusCode}`));
    if (req.headers.authorization !== expected) {
      req.resume();
      res.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="config repo"',
        'Content-Type': 'text/plain',
      });
      res.end('HTTP Basic: Access denied\n');
      return;
    }
    const isPush =
      url.pathname.endsWith('/git-receive-pack') ||
      url.searchParams.get('service') === 'git-receive-pack';
    if (isPush && hooks.readOnly) {
      req.resume();
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('this token may not push\n');
      return;
    }
    if (
      req.method === 'GET' &&
      url.pathname.endsWith('/info/refs') &&
      url.searchParams.get('service') === 'git-receive-pack' &&
      hooks.beforeNextPush
    ) {
      const hook = hooks.beforeNextPush;
      hooks.beforeNextPush = undefined;
      await hook();
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        REMOTE_USER: user,
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length']
          ? { CONTENT_LENGTH: req.headers['content-length'] }
          : {}),
        ...(req.headers['content-encoding']
          ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] }
          : {}),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => undefined);
    const stderr: Buffer[] = [];
    cgi.stderr.on('data', d => stderr.push(d));
    // CGI output: headers (`Status: 200 OK`, `Content-Type: ...`), a blank line, the body.
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      const m = /\r?\n\r?\n/.exec(text);
      if (!m) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const h of text.slice(0, m.index).split(/\r?\n/)) {
        const i = h.indexOf(':');
        const name = h.slice(0, i).trim();
        const value = h.slice(i + 1).trim();
        if (/^status$/i.test(name)) status = parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(m.index + m[0].length));
    });
    cgi.on('close', code => {
      if (!headersDone) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(
          `git http-backend failed (${code}): ${Buffer.concat(
            stderr,
          ).toString()}`,
        );
        return;
      }
      res.end();
    });
  };

  const listener: http.RequestListener = (req, res) => {
    handle(req, res).catch(error => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  };
  const httpServer = options.tls
    ? https.createServer(options.tls, listener)
    : http.createServer(listener);
  await new Promise<void>(resolve =>
    httpServer.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = httpServer.address() as AddressInfo;
  const baseUrl = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const server: GitHttpServer = {
    baseUrl,
    url: repo => `${baseUrl}/${repo}`,
    setCredentials(username, password) {
      expected = basic(username, password);
      user = username;
    },
    get beforeNextPush() {
      return hooks.beforeNextPush;
    },
    set beforeNextPush(hook) {
      hooks.beforeNextPush = hook;
    },
    get readOnly() {
      return hooks.readOnly;
    },
    set readOnly(value) {
      hooks.readOnly = value;
    },
    requests,
    close: () =>
      new Promise<void>(resolve => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  return server;
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
