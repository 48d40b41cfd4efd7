import crypto from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CONTAINERS_CONF_TEXT } from '../podman/PodmanCli';

/** Whether podman and go are installed (the podman tests need both). */
export function podmanAvailable(): { ok: boolean; why: string } {
  for (const bin of ['podman', 'go']) {
    try {
      execFileSync(bin, ['version'], { stdio: 'ignore' });
    } catch {
      return { ok: false, why: `${bin} is not installed` };
    }
  }
  return { ok: true, why: '' };
}

/** A temp dir with its own containers.conf (runc, no default ulimits). */
export function podmanEnv() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'release-daemon-'));
  const conf = path.join(dir, 'containers.conf');
  fs.writeFileSync(conf, CONTAINERS_CONF_TEXT);
  const run = (args: string[], input?: string) =>
    execFileSync('podman', args, {
      env: { ...process.env, CONTAINERS_CONF: conf },
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  /** Like `run`, without blocking the event loop (the backend under test shares it). */
  const runAsync = (args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile(
        'podman',
        args,
        { env: { ...process.env, CONTAINERS_CONF: conf } },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`podman ${args[0]}: ${stderr || error.message}`))
            : resolve(stdout),
      );
      child.stdin?.end(input ?? '');
    });
  return { dir, conf, run, runAsync };
}

/**
 * The test workload: a static Go HTTP server (stdlib only) answering 200 on
 * every path. With `CRASH_EXIT=<code>` it prints three log lines (two on
 * stdout, one on stderr) and exits with that code.
 */
const WORKLOAD_GO = `package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
)

func main() {
	if c := os.Getenv("CRASH_EXIT"); c != "" {
		code, _ := strconv.Atoi(c)
		fmt.Println("starting test-workload")
		fmt.Println("loading configuration")
		fmt.Fprintln(os.Stderr, "fatal: SMTP_RELAY_HOST is not set")
		os.Exit(code)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	fmt.Println("listening on :8080")
	if err := http.ListenAndServe(":8080", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`;

/** Builds (once per source version) `localhost/slipway-release-daemon-test:<hash>` FROM scratch. */
export function buildWorkloadImage(
  run: (args: string[]) => string,
  dir: string,
): string {
  const hash = crypto
    .createHash('sha256')
    .update(WORKLOAD_GO)
    .digest('hex')
    .slice(0, 10);
  const image = `localhost/slipway-release-daemon-test:${hash}`;
  try {
    run(['image', 'exists', image]);
    return image;
  } catch {
    // not built yet
  }
  const src = path.join(dir, 'workload');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'main.go'), WORKLOAD_GO);
  execFileSync('go', ['build', '-o', 'workload', 'main.go'], {
    cwd: src,
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: 'pipe',
  });
  fs.writeFileSync(
    path.join(src, 'Containerfile'),
    'FROM scratch\nCOPY workload /workload\nENTRYPOINT ["/workload"]\n',
  );
  run(['build', '-q', '-t', image, src]);
  return image;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A Pod manifest labelled as the local cluster labels one replica (notes/LOOP-CONTRACT.md). */
export function podManifest(p: {
  name: string;
  cluster: string;
  environment: string;
  namespace: string;
  service: string;
  artifactId: string;
  generation: string;
  replicas: number;
  replica: number;
  hostPort: number;
  image: string;
  crashExit?: number;
  cpuLimit?: string;
  /** `Always` (default; podman restarts) or `Never` (what the local cluster uses: it restarts containers itself). */
  restartPolicy?: 'Always' | 'Never';
}): string {
  const env = p.crashExit
    ? `    env:\n    - name: CRASH_EXIT\n      value: "${p.crashExit}"\n`
    : '';
  const limits = p.cpuLimit
    ? `    resources:\n      limits:\n        cpu: ${p.cpuLimit}\n`
    : '';
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${p.name}
  labels:
    slipway.dev/managed-by: local-cluster
    slipway.dev/cluster: ${p.cluster}
    slipway.dev/environment: ${p.environment}
    slipway.dev/namespace: ${p.namespace}
    slipway.dev/service: ${p.service}
    slipway.dev/deployment: ${p.service}
    slipway.dev/artifact-id: ${p.artifactId}
    slipway.dev/generation: ${p.generation}
    slipway.dev/replicas: "${p.replicas}"
    slipway.dev/replica: "${p.replica}"
    slipway.dev/host-port: "${p.hostPort}"
    slipway.dev/readiness-path: /readyz
spec:
  restartPolicy: ${p.restartPolicy ?? 'Always'}
  containers:
  - name: ${p.service}
    image: ${p.image}
${env}    ports:
    - containerPort: 8080
      hostPort: ${p.hostPort}
      hostIP: 127.0.0.1
${limits}`;
}
