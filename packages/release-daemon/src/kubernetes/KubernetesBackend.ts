import type {
  AppsV1Api,
  CoreV1Api,
  Informer,
  KubeConfig,
  KubernetesObject,
  ListPromise,
  ObjectCache,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import { Logger } from '../core/logger';
import {
  BackendHealth,
  ContainerFailure,
  RolloutBackend,
  RolloutSink,
} from '../core/types';
import {
  deploymentObservation,
  failingContainers,
  podFailureBase,
} from './evaluate';

/** Options of {@link KubernetesBackend}. */
export interface KubernetesBackendOptions {
  /** Where the API server is and how to authenticate (in-cluster, kubeconfig, ...). */
  kubeConfig: KubeConfig;
  /** Release manager environment this cluster runs. */
  environment: string;
  /** Namespaces to watch; empty = all (needs cluster-wide RBAC). */
  namespaces: string[];
  logger: Logger;
  /** Delay before an informer that failed is restarted, in ms (default 5000). */
  restartDelayMs?: number;
}

/**
 * Loads @kubernetes/client-node on first use: it costs ~60 MB of RSS that the
 * podman backend does not need.
 */
export function loadClientNode(): typeof import('@kubernetes/client-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes/client-node');
}

type Cache<T extends KubernetesObject> = Informer<T> & ObjectCache<T>;

interface Scope {
  deployments: Cache<V1Deployment>;
  replicaSets: Cache<V1ReplicaSet>;
  pods: Cache<V1Pod>;
}

/**
 * The production {@link RolloutBackend}: `@kubernetes/client-node` informers
 * (list + watch) on apps/v1 Deployments and ReplicaSets and core/v1 Pods, one
 * set per configured namespace (or one cluster-wide set). Deployment updates
 * become workload observations; pods whose containers crash-loop (or fail to
 * pull/create) become failure reports with the last 20 log lines of the
 * crashed run (`GET /api/v1/namespaces/{ns}/pods/{pod}/log?previous=true&tailLines=20`).
 */
export class KubernetesBackend implements RolloutBackend {
  readonly name = 'kubernetes';
  private readonly scopes: Scope[] = [];
  private readonly errors = new Map<string, string>();
  private readonly pendingLogs = new Set<string>();
  private readonly reported = new Set<string>();
  private sink?: RolloutSink;
  private stopped = false;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly k8s = loadClientNode();

  constructor(private readonly options: KubernetesBackendOptions) {
    this.core = options.kubeConfig.makeApiClient(this.k8s.CoreV1Api);
    this.apps = options.kubeConfig.makeApiClient(this.k8s.AppsV1Api);
  }

  async start(sink: RolloutSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    const namespaces: Array<string | undefined> =
      this.options.namespaces.length > 0
        ? this.options.namespaces
        : [undefined];
    for (const ns of namespaces) {
      const scope: Scope = {
        deployments: this.informer<V1Deployment>(
          ns
            ? `/apis/apps/v1/namespaces/${ns}/deployments`
            : '/apis/apps/v1/deployments',
          () =>
            ns
              ? this.apps.listNamespacedDeployment({ namespace: ns })
              : this.apps.listDeploymentForAllNamespaces(),
        ),
        replicaSets: this.informer<V1ReplicaSet>(
          ns
            ? `/apis/apps/v1/namespaces/${ns}/replicasets`
            : '/apis/apps/v1/replicasets',
          () =>
            ns
              ? this.apps.listNamespacedReplicaSet({ namespace: ns })
              : this.apps.listReplicaSetForAllNamespaces(),
        ),
        pods: this.informer<V1Pod>(
          ns ? `/api/v1/namespaces/${ns}/pods` : '/api/v1/pods',
          () =>
            ns
              ? this.core.listNamespacedPod({ namespace: ns })
              : this.core.listPodForAllNamespaces(),
        ),
      };
      scope.deployments.on('add', d => this.onDeployment(scope, d));
      scope.deployments.on('update', d => this.onDeployment(scope, d));
      scope.replicaSets.on('update', rs => this.onReplicaSet(scope, rs));
      scope.pods.on('add', p => this.onPod(scope, p));
      scope.pods.on('update', p => this.onPod(scope, p));
      this.scopes.push(scope);
    }
    // ReplicaSets first: deployments and pods look their owners up in that cache.
    await Promise.all(this.scopes.map(s => s.replicaSets.start()));
    await Promise.all(
      this.scopes.flatMap(s => [s.deployments.start(), s.pods.start()]),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(
      this.scopes.flatMap(s => [
        s.deployments.stop(),
        s.replicaSets.stop(),
        s.pods.stop(),
      ]),
    );
    this.scopes.length = 0;
  }

  health(): BackendHealth {
    if (this.errors.size > 0) {
      return {
        ok: false,
        message: [...this.errors].map(([p, e]) => `${p}: ${e}`).join('; '),
      };
    }
    const count = this.scopes.reduce(
      (n, s) => n + s.deployments.list().length,
      0,
    );
    return {
      ok: true,
      message: `watching ${count} deployments in ${
        this.options.namespaces.join(', ') || 'all namespaces'
      }`,
    };
  }

  private informer<T extends KubernetesObject>(
    path: string,
    list: ListPromise<T>,
  ): Cache<T> {
    const informer = this.k8s.makeInformer<T>(
      this.options.kubeConfig,
      path,
      list,
    );
    informer.on('connect', () => this.errors.delete(path));
    informer.on('error', (err?: any) => {
      const message = String(err?.message ?? err ?? 'watch failed');
      this.errors.set(path, message);
      if (this.stopped) return;
      this.options.logger.warn(
        `watch ${path} failed: ${message}; restarting in ${
          (this.options.restartDelayMs ?? 5000) / 1000
        } s`,
      );
      const t = setTimeout(() => {
        if (!this.stopped) {
          informer.start().catch(() => {
            /* reported through the error callback */
          });
        }
      }, this.options.restartDelayMs ?? 5000);
      t.unref();
    });
    return informer;
  }

  private onDeployment(scope: Scope, d: V1Deployment) {
    const o = deploymentObservation(
      d,
      this.options.environment,
      scope.replicaSets.list(d.metadata?.namespace),
    );
    if (o) this.sink?.workload(o);
  }

  /** A ReplicaSet's availability changes before its Deployment's status does. */
  private onReplicaSet(scope: Scope, rs: V1ReplicaSet) {
    const owner = rs.metadata?.ownerReferences?.find(
      o => o.kind === 'Deployment',
    );
    if (!owner) return;
    const d = scope.deployments.get(owner.name, rs.metadata?.namespace);
    if (d) this.onDeployment(scope, d);
  }

  private onPod(scope: Scope, pod: V1Pod) {
    const failing = failingContainers(pod);
    if (failing.length === 0) return;
    const ns = pod.metadata?.namespace;
    const rsRef = pod.metadata?.ownerReferences?.find(
      o => o.kind === 'ReplicaSet',
    );
    const rs = rsRef ? scope.replicaSets.get(rsRef.name, ns) : undefined;
    const dRef = rs?.metadata?.ownerReferences?.find(
      o => o.kind === 'Deployment',
    );
    const d = dRef ? scope.deployments.get(dRef.name, ns) : undefined;
    const base = podFailureBase(
      pod,
      this.options.environment,
      [rs?.metadata, d?.spec?.template?.metadata, d?.metadata],
      d?.metadata?.name,
    );
    if (!base) return;
    const key = `${base.podUid}/${failing.map(f => f.failure.name).join(',')}`;
    if (this.pendingLogs.has(key) || this.reported.has(key)) return;
    this.pendingLogs.add(key);
    void this.withLogs(pod, failing)
      .then(containers => {
        if (this.stopped) return;
        this.reported.add(key);
        if (this.reported.size > 5000) {
          this.reported.delete(this.reported.values().next().value as string);
        }
        this.sink?.podFailure({ ...base, containers });
      })
      .finally(() => this.pendingLogs.delete(key));
  }

  private async withLogs(
    pod: V1Pod,
    failing: ReturnType<typeof failingContainers>,
  ): Promise<ContainerFailure[]> {
    return Promise.all(
      failing.map(async f => {
        if (f.previousLogs === undefined) return { ...f.failure, logs: [] };
        try {
          const text = await this.core.readNamespacedPodLog({
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace ?? 'default',
            container: f.failure.name,
            previous: f.previousLogs,
            tailLines: 20,
          });
          return {
            ...f.failure,
            logs: String(text)
              .split('\n')
              .filter(l => l !== '')
              .slice(-20),
          };
        } catch (error) {
          return {
            ...f.failure,
            logs: [`(logs unavailable: ${(error as Error).message})`],
          };
        }
      }),
    );
  }
}
