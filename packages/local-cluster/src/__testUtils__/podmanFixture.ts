/* eslint-disable no-console */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { run, runAllowFailure } from '../exec';
import { shortHash } from '../names';
import { writeContainersConf } from '../podman/Podman';

/** A tiny HTTP server (Go, stdlib): `/` says hello and $MESSAGE, `/metrics` one counter; CRASH=1 exits 3 at start. */
const SERVER_GO = `package main

import (
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if os.Getenv("CRASH") == "1" {
		fmt.Println("starting")
		fmt.Println("fatal: CRASH=1, exiting")
		os.Exit(3)
	}
	go func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
		<-c
		os.Exit(0)
	}()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\\n", os.Getenv("MESSAGE"))
	})
	http.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "test_up 1")
	})
	fmt.Println("listening on :8080")
	if err := http.ListenAndServe(":8080", nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
`;

/** The test image's reference; its tag follows the server's source. */
export const TEST_IMAGE = `localhost/slipway-lc-test/web:${shortHash(
  SERVER_GO,
  10,
)}`;

/** Whether podman works here (with the project's containers.conf); else why not. */
export async function podmanAvailable(
  conf: string,
): Promise<{ ok: boolean; reason?: string }> {
  writeContainersConf(conf);
  const r = await runAllowFailure('podman', ['version'], {
    env: { CONTAINERS_CONF: conf },
    timeoutMs: 30_000,
  });
  if (r.code === 0) return { ok: true };
  return {
    ok: false,
    reason: /ENOENT/.test(r.stderr)
      ? 'podman is not installed (apt-get install podman runc)'
      : r.stderr.trim(),
  };
}

/**
 * Builds `image` (FROM scratch, the static Go server above) unless it exists.
 * The Go build is cached in the system temp dir across runs.
 */
export async function buildTestImage(image: string, conf: string) {
  const env = { CONTAINERS_CONF: conf };
  if (
    (await runAllowFailure('podman', ['image', 'exists', image], { env }))
      .code === 0
  ) {
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-image-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.go'), SERVER_GO);
    fs.writeFileSync(
      path.join(dir, 'Containerfile'),
      'FROM scratch\nCOPY server /server\nENTRYPOINT ["/server"]\n',
    );
    await run('go', ['build', '-o', 'server', 'main.go'], {
      cwd: dir,
      env: {
        CGO_ENABLED: '0',
        GO111MODULE: 'off',
        GOFLAGS: '',
        GOCACHE: path.join(os.tmpdir(), 'slipway-lc-gocache'),
      },
      timeoutMs: 180_000,
    });
    await run('podman', ['build', '-q', '-t', image, dir], {
      env,
      cwd: dir,
      timeoutMs: 180_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A bare config repo plus a working clone to commit release folders from. */
export class TestConfigRepo {
  readonly bare: string;
  readonly work: string;

  constructor(readonly root: string) {
    this.bare = path.join(root, 'config-repo.git');
    this.work = path.join(root, 'work');
  }

  private git(args: string[], cwd = this.work) {
    return run(
      'git',
      [
        '-c',
        'user.name=Test',
        '-c',
        'user.email=test@example.com',
        '-c',
        'init.defaultBranch=main',
        ...args,
      ],
      { cwd },
    );
  }

  async init() {
    await this.git(['init', '-q', '--bare', this.bare], this.root);
    await this.git(['init', '-q', this.work], this.root);
    this.write('README.md', 'config repo\n');
    return this.commit('init');
  }

  /** Writes `file` (relative to the repo root). */
  write(file: string, content: string) {
    const p = path.join(this.work, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }

  symlink(target: string, file: string) {
    const p = path.join(this.work, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.symlinkSync(target, p);
  }

  remove(file: string) {
    fs.rmSync(path.join(this.work, file), { recursive: true, force: true });
  }

  /** Commits everything and pushes to the bare repo. @returns the commit id */
  async commit(message: string): Promise<string> {
    await this.git(['add', '-A']);
    await this.git(['commit', '-q', '--allow-empty', '-m', message]);
    await this.git(['push', '-q', this.bare, 'HEAD:refs/heads/main']);
    return (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
  }
}

/** An HTTP server that records Flux events as the release manager's webhook would receive them. */
export async function fluxReceiver(token: string) {
  const events: { environment: string; body: any; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const m = /^\/webhook\/flux\/([^/]+)$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end('{"status":401}');
        return;
      }
      events.push({
        environment: decodeURIComponent(m[1]),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        auth: req.headers.authorization,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as any).port as number;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    close: () => new Promise(r => server.close(r)),
  };
}

/** GET http://127.0.0.1:`port``path`, retrying for up to `ms` while the pod starts. */
export async function httpGet(port: number, urlPath = '/', ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
        signal: AbortSignal.timeout(2000),
      });
      return { status: res.status, text: await res.text() };
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise(r => setTimeout(r, 200));
    }
  }
}

/** A Deployment manifest of the test server. */
export function deployment(p: {
  name: string;
  namespace: string;
  image: string;
  replicas?: number;
  message?: string;
  crash?: boolean;
}) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${p.name}
  namespace: ${p.namespace}
  labels:
    app.kubernetes.io/name: ${p.name}
spec:
  replicas: ${p.replicas ?? 1}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${p.name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${p.name}
    spec:
      containers:
        - name: ${p.name}
          image: ${p.image}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: MESSAGE
              value: "${p.message ?? 'world'}"
${
  p.crash ? '            - name: CRASH\n              value: "1"\n' : ''
}          readinessProbe:
            httpGet:
              path: /
              port: http
`;
}

export function log(message: string) {
  console.log(message);
}
