/**
 * The state of one workload (a Deployment) as a backend sees it at one moment.
 * The daemon turns these into `POST /webhook/daemon/k8s/deploy` reports when a
 * rollout completes or stalls.
 */
export interface WorkloadObservation {
  /** Release manager environment, e.g. `staging` (a DNS-1123 label). */
  environment: string;
  /** Kubernetes namespace of the workload. */
  namespace: string;
  /** Workload name (the Deployment's `metadata.name`). */
  name: string;
  /** Release manager service, e.g. `ledger`. */
  service: string;
  /** The artifact the pods run (release manager artifact id). */
  artifactId: string;
  /** Email of the artifact's author, when the workload carries it. */
  authorEmail?: string;
  /** Identifies one rollout of the workload: changes whenever the pod template changes. */
  revision: string;
  /** Replicas asked for (`spec.replicas`). */
  desired: number;
  /** Replicas of the current revision that are ready/available. */
  available: number;
  /**
   * `progressing` while the rollout runs; `complete` when every desired replica
   * is available; `stalled` when the progress deadline passed first.
   */
  phase: 'progressing' | 'complete' | 'stalled';
  /** Why, for `stalled` (e.g. `ProgressDeadlineExceeded`). */
  reason?: string;
  /** Human-readable detail, e.g. the Deployment condition's message. */
  message?: string;
}

/** One failing container of a pod. */
export interface ContainerFailure {
  /** Container name. */
  name: string;
  /**
   * Kubernetes-style container state: `CrashLoopBackOff` (restarting
   * repeatedly), `Error` (exited non-zero, not restarted), `ImagePullBackOff`,
   * `CreateContainerConfigError`, ... Sent as the error's `type`.
   */
  type: string;
  /** Why the last run ended (`Error`, `OOMKilled`, ...). Sent as `reason`. */
  reason?: string;
  /** Exit code of the last terminated run, when there was one. */
  exitCode?: number;
  /** How often the container was restarted. */
  restartCount: number;
  /** One-line description. */
  message: string;
  /** The last log lines of the failed run (oldest first), at most 20. */
  logs: string[];
}

/** A pod whose containers crash (reported to `POST /webhook/daemon/k8s/error`). */
export interface PodFailureObservation {
  environment: string;
  namespace: string;
  podName: string;
  /** Unique id of this pod instance (Kubernetes `metadata.uid`, podman pod id). */
  podUid: string;
  service: string;
  artifactId: string;
  authorEmail?: string;
  containers: ContainerFailure[];
}

/** Where backends send what they observe. */
export interface RolloutSink {
  /** Called whenever a workload changes (often; the sink de-duplicates). */
  workload(observation: WorkloadObservation): void;
  /** Called whenever a pod is seen failing (the sink de-duplicates). */
  podFailure(observation: PodFailureObservation): void;
}

/** Health of a backend, for `GET /healthz`. */
export interface BackendHealth {
  ok: boolean;
  message: string;
}

/**
 * A source of rollout state: `kubernetes` (informers on a real cluster) or
 * `podman` (the embedded local cluster).
 */
export interface RolloutBackend {
  /** `kubernetes` or `podman`. */
  readonly name: string;
  /** Starts watching; resolves once the initial state was read. */
  start(sink: RolloutSink): Promise<void>;
  /** Stops watching and releases every child process and connection. */
  stop(): Promise<void>;
  /** Whether the backend's watch currently works. */
  health(): BackendHealth;
}
