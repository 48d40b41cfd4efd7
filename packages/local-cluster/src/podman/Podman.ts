import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { CommandError, run, runAllowFailure } from '../exec';

/** A container as `podman ps -a --pod --format json` prints it (podman 4.x; fields used here). */
export interface ContainerInfo {
  id: string;
  name: string;
  podId: string;
  podName: string;
  labels: Record<string, string>;
  /** `created`, `running`, `exited`, `stopped`, `paused`, ... */
  state: string;
  exitCode: number;
  /** Unix seconds (negative when never). */
  startedAt: number;
  exitedAt: number;
  isInfra: boolean;
}

/** A pod as `podman pod ps --format json` prints it. */
export interface PodInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** `Created`, `Running`, `Degraded`, `Exited`, ... */
  status: string;
  /** Its containers except the infra container; status `running`, `exited`, `created`, ... */
  containers: { id: string; name: string; status: string }[];
}

/** Whether podman can be used here, and why not. */
export type PodmanAvailability =
  | { available: true; version: string }
  | { available: false; reason: string };

/** The containers.conf these machines need: runc, and no rlimits (setrlimit is not permitted). */
export const CONTAINERS_CONF = `# Written by @slipway/local-cluster.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
`;

/**
 * Writes {@link CONTAINERS_CONF} to `file` (atomically, only when it differs).
 */
export function writeContainersConf(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === CONTAINERS_CONF)
    return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, CONTAINERS_CONF);
  fs.renameSync(tmp, file);
}

/**
 * The podman CLI (podman 4.3+), always run with `CONTAINERS_CONF=<containersConf>`
 * and from an empty working directory (`podman kube play` would otherwise try to
 * build images from folders named like them).
 */
export class Podman {
  private readonly env: Record<string, string>;
  private readonly knownNetworks = new Set<string>();

  constructor(
    private readonly options: {
      containersConf: string;
      /** An empty folder to run podman in, and for temporary manifests. */
      workDir: string;
      binary?: string;
      /** Called after every podman command with its arguments and duration (for debug logs). */
      onCommand?: (args: string[], ms: number, code: number) => void;
    },
  ) {
    this.env = { CONTAINERS_CONF: options.containersConf };
    fs.mkdirSync(path.join(options.workDir, 'cwd'), { recursive: true });
  }

  private async podman(args: string[], timeoutMs = 120_000) {
    const started = Date.now();
    let code = 0;
    try {
      return await run(this.options.binary ?? 'podman', args, {
        env: this.env,
        cwd: path.join(this.options.workDir, 'cwd'),
        timeoutMs,
      });
    } catch (e) {
      code = (e as CommandError).result?.code ?? -1;
      throw e;
    } finally {
      this.options.onCommand?.(args, Date.now() - started, code);
    }
  }

  /** `podman version`: whether podman is installed and works. */
  async availability(): Promise<PodmanAvailability> {
    const r = await runAllowFailure(
      this.options.binary ?? 'podman',
      ['version', '--format', '{{.Client.Version}}'],
      { env: this.env, timeoutMs: 30_000 },
    );
    if (r.code === 0) return { available: true, version: r.stdout.trim() };
    if (/ENOENT/.test(r.stderr)) {
      return {
        available: false,
        reason: 'podman not installed: apt-get install podman runc',
      };
    }
    return {
      available: false,
      reason: `podman does not work: ${r.stderr.trim().slice(-500)}`,
    };
  }

  /** All containers (not infra) carrying every one of `labels`. */
  async containers(labels: Record<string, string>): Promise<ContainerInfo[]> {
    const { stdout } = await this.podman([
      'ps',
      '-a',
      '--pod',
      '--format',
      'json',
      ...labelFilters(labels),
    ]);
    const rows = JSON.parse(stdout || '[]') as any[];
    return rows
      .filter(r => !r.IsInfra)
      .map(r => ({
        id: r.Id,
        name: (r.Names ?? [])[0] ?? r.Id,
        podId: r.Pod ?? '',
        podName: r.PodName ?? '',
        labels: r.Labels ?? {},
        state: String(r.State ?? ''),
        exitCode: Number(r.ExitCode ?? 0),
        startedAt: Number(r.StartedAt ?? 0),
        exitedAt: Number(r.ExitedAt ?? 0),
        isInfra: Boolean(r.IsInfra),
      }));
  }

  /** All pods carrying every one of `labels`. */
  async pods(labels: Record<string, string>): Promise<PodInfo[]> {
    const { stdout } = await this.podman([
      'pod',
      'ps',
      '--format',
      'json',
      ...labelFilters(labels),
    ]);
    const rows = JSON.parse(stdout || '[]') as any[];
    return rows.map(r => ({
      id: r.Id,
      name: r.Name,
      labels: r.Labels ?? {},
      status: String(r.Status ?? ''),
      containers: ((r.Containers ?? []) as any[])
        .filter(c => c.Id !== r.InfraId)
        .map(c => ({
          id: String(c.Id),
          name: String(c.Names ?? ''),
          status: String(c.Status ?? ''),
        })),
    }));
  }

  /**
   * The names (`repo:tag`, as podman stores them, e.g. `localhost/x/y:1`) and
   * ids of every local image.
   */
  async imageNames(): Promise<Set<string>> {
    const { stdout } = await this.podman(['images', '--format', 'json']);
    const out = new Set<string>();
    for (const img of JSON.parse(stdout || '[]') as any[]) {
      for (const n of img.Names ?? []) out.add(n);
      if (img.Id) out.add(img.Id);
      if (img.Digest) out.add(img.Digest);
    }
    return out;
  }

  /**
   * The file podman rewrites whenever a local image is added, tagged or removed
   * (`<graphRoot>/<driver>-images/images.json`), so its mtime says when to list
   * images again; undefined when it cannot be found.
   */
  async imageStoreFile(): Promise<string | undefined> {
    try {
      const { stdout } = await this.podman([
        'info',
        '--format',
        '{{.Store.GraphRoot}}|{{.Store.GraphDriverName}}',
      ]);
      const [root, driver] = stdout.trim().split('|');
      const file = path.join(root, `${driver}-images`, 'images.json');
      return fs.existsSync(file) ? file : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Follows `podman events` of containers carrying every one of `labels`
   * (`podman events --format json --filter type=container --filter label=k=v …`;
   * podman matches any one of several label filters, so the rest are checked here).
   * @param onEvent each event's `Status` (`create`, `start`, `died`, `remove`, …) and container name
   * @param onExit when the events process ends (not after `stop`)
   * @returns stop: ends the events process
   */
  watchEvents(
    labels: Record<string, string>,
    onEvent: (e: { status: string; name: string }) => void,
    onExit: (reason: string) => void,
  ): () => void {
    const child = spawn(
      this.options.binary ?? 'podman',
      [
        'events',
        '--format',
        'json',
        '--filter',
        'type=container',
        ...labelFilters(labels),
      ],
      {
        env: { ...process.env, ...this.env },
        cwd: path.join(this.options.workDir, 'cwd'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stopped = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-2000);
    });
    readline.createInterface({ input: child.stdout }).on('line', line => {
      try {
        const e = JSON.parse(line);
        // podman ORs several label filters: check them all here.
        const attributes = e.Attributes ?? {};
        if (Object.entries(labels).some(([k, v]) => attributes[k] !== v)) {
          return;
        }
        onEvent({ status: String(e.Status ?? ''), name: String(e.Name ?? '') });
      } catch {
        // not an event line
      }
    });
    const exited = (reason: string) => {
      if (stopped) return;
      stopped = true;
      onExit(reason);
    };
    child.on('error', e => exited(e.message));
    child.on('close', code =>
      exited(`podman events exited (${code}): ${stderr.trim()}`),
    );
    return () => {
      stopped = true;
      child.kill();
    };
  }

  /** Creates the bridge network `name` unless it exists. */
  async ensureNetwork(name: string): Promise<void> {
    if (this.knownNetworks.has(name)) return;
    const exists = await runAllowFailure(
      this.options.binary ?? 'podman',
      ['network', 'exists', name],
      { env: this.env, timeoutMs: 30_000 },
    );
    if (exists.code !== 0) {
      try {
        await this.podman([
          'network',
          'create',
          '--label',
          'slipway.dev/managed-by=local-cluster',
          name,
        ]);
      } catch (e) {
        // created concurrently by someone else?
        const again = await runAllowFailure(
          this.options.binary ?? 'podman',
          ['network', 'exists', name],
          { env: this.env },
        );
        if (again.code !== 0) throw e;
      }
    }
    this.knownNetworks.add(name);
  }

  /**
   * `podman kube play --network <network>` of one Pod manifest (YAML text). On
   * failure, removes what podman left half-created (pod `podName`).
   * @throws CommandError with podman's message
   */
  async playPod(
    manifest: string,
    podName: string,
    network: string,
  ): Promise<void> {
    const file = path.join(
      this.options.workDir,
      `${podName}.${process.pid}.${Date.now()}.yaml`,
    );
    fs.writeFileSync(file, manifest);
    try {
      await this.podman(['kube', 'play', '--network', network, file]);
    } catch (e) {
      await this.removePod(podName, 0).catch(() => {});
      throw e;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  /** Stops (SIGTERM, SIGKILL after `graceSeconds`) and removes a pod; no error when it is gone. */
  async removePod(name: string, graceSeconds = 2): Promise<void> {
    await this.removePods([name], graceSeconds);
  }

  /** {@link Podman.removePod} of several pods in one podman call. */
  async removePods(names: string[], graceSeconds = 2): Promise<void> {
    if (!names.length) return;
    await this.podman([
      'pod',
      'rm',
      '--force',
      '--ignore',
      '--time',
      String(graceSeconds),
      ...names,
    ]);
  }

  /** `podman start` of a stopped container (its pod's infra container is started with it). */
  async startContainer(id: string): Promise<void> {
    await this.podman(['start', id]);
  }
}

function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([k, v]) => [
    '--filter',
    `label=${k}=${v}`,
  ]);
}

export { CommandError };
