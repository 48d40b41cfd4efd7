/**
 * Request and response bodies of the release manager's HTTP API.
 *
 * The routes and JSON field names follow Lunar's public release-manager
 * (github.com/lunarway/release-manager, `internal/http/types.go`,
 * `internal/artifact/spec.go`, `internal/intent/intent.go` and
 * `cmd/server/http/*.go`), so that its clients (hamctl, the daemon) work against
 * this server. Fields marked "Slipway extension" are additions of ours that
 * Lunar's server does not send; Lunar's clients ignore them.
 *
 * Times are RFC 3339 strings unless a field says "epoch milliseconds".
 */

/* ------------------------------------------------------------------ */
/* Artifacts (Lunar `internal/artifact/spec.go`)                       */
/* ------------------------------------------------------------------ */

/**
 * A git repository at one commit: the application (or shuttle plan) an
 * artifact was built from.
 * @public
 */
export interface ArtifactRepository {
  /** Branch the commit was built from, e.g. `main`. */
  branch?: string;
  /** Full commit sha (40 hex characters). */
  sha?: string;
  authorName?: string;
  authorEmail?: string;
  committerName?: string;
  committerEmail?: string;
  /** The commit message. */
  message?: string;
  /**
   * RFC 3339 commit time of `sha` (Slipway extension; CI writes it, e.g. from
   * `git show -s --format=%cI`). The lead time for changes starts here.
   */
  committedAt?: string;
  /** Repository name, e.g. `payment-gateway`. */
  name?: string;
  /** Repository web URL, e.g. `https://github.com/acme/payment-gateway`. */
  url?: string;
  /** `github`, `gitlab`, `bitbucket`, ... */
  provider?: string;
}

/**
 * The CI job that produced an artifact.
 * @public
 */
export interface ArtifactCI {
  /** Link to the CI job. */
  jobUrl?: string;
  /** RFC 3339 start time of the job. */
  start?: string;
  /** RFC 3339 end time of the job. */
  end?: string;
}

/**
 * Stage ids Lunar's tooling writes. Other ids are accepted and kept as-is.
 * @public
 */
export type ArtifactStageId =
  | 'build'
  | 'test'
  | 'push'
  | 'snyk-code'
  | 'snyk-docker'
  | (string & {});

/** Data of a `build` or `push` stage. @public */
export interface ArtifactImageStageData {
  image?: string;
  tag?: string;
  dockerVersion?: string;
}

/** Data of a `test` stage: test counts. @public */
export interface ArtifactTestStageData {
  url?: string;
  results?: { passed: number; failed: number; skipped: number };
}

/** Vulnerability counts of a Snyk stage. @public */
export interface VulnerabilityResult {
  high: number;
  medium: number;
  low: number;
}

/** Data of a `snyk-code` or `snyk-docker` stage. @public */
export interface ArtifactSnykStageData {
  snykVersion?: string;
  url?: string;
  language?: string;
  tag?: string;
  baseImage?: string;
  vulnerabilities?: VulnerabilityResult;
}

/**
 * One CI stage of an artifact.
 * @public
 */
export interface ArtifactStage {
  id: ArtifactStageId;
  name?: string;
  data?:
    | ArtifactImageStageData
    | ArtifactTestStageData
    | ArtifactSnykStageData
    | Record<string, unknown>;
}

/**
 * The artifact spec (Lunar `artifact.Spec`), stored as `artifact.json` next to
 * the manifests both in the artifact store and in the config repo.
 * @public
 */
export interface ArtifactSpec {
  /** `<branch>-<appSha10>-<planSha10>`, e.g. `main-1a2b3c4d5e-6f7a8b9c0d`. */
  id: string;
  /** Service name (a DNS-1123 label). */
  service: string;
  /** Kubernetes namespace (a DNS-1123 label); defaults to the environment name. */
  namespace?: string;
  application: ArtifactRepository;
  ci?: ArtifactCI;
  /** Owning team. */
  squad?: string;
  shuttle?: { plan?: ArtifactRepository; shuttleVersion?: string };
  stages?: ArtifactStage[];
}

/**
 * Kubernetes manifests of an artifact, per environment: environment name →
 * file name (e.g. `40-deployment.yaml`) → file content (YAML text).
 * @public
 */
export type ArtifactManifests = Record<string, Record<string, string>>;

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/**
 * Body of every error response (Lunar `ErrorResponse`): HTTP status code and a
 * human-readable message naming the offending field or policy.
 * @public
 */
export interface ErrorResponse {
  status: number;
  message: string;
}

/* ------------------------------------------------------------------ */
/* Status: GET /status?service=                                        */
/* ------------------------------------------------------------------ */

/**
 * Rollout state of one service in one environment (Slipway extension),
 * derived from the daemon webhooks and Flux events of the artifact that runs.
 *
 * - `unknown`: no event yet for the running artifact;
 * - `progressing`: deployed, fewer available than desired replicas;
 * - `succeeded`: all desired replicas available;
 * - `failed`: a pod or job error was reported (see `errors`), or Flux
 *   reported an error.
 * @public
 */
export type RolloutPhase = 'unknown' | 'progressing' | 'succeeded' | 'failed';

/** A container error reported by the daemon (Slipway shape of Lunar `ContainerError`). @public */
export interface RolloutContainerError {
  /** Pod name. */
  podName?: string;
  /** Container name. */
  container: string;
  /** e.g. `CrashLoopBackOff`, `ImagePullBackOff`, `CreateContainerConfigError`. */
  reason?: string;
  message?: string;
  /** The container's last log lines, newest last. */
  logs?: string[];
}

/**
 * Rollout state of the artifact running in one environment (Slipway extension).
 * @public
 */
export interface RolloutStatus {
  phase: RolloutPhase;
  /** The artifact the state is about. */
  artifactId?: string;
  /** Ready replicas (from the latest deploy event). */
  availableReplicas?: number;
  /** Desired replicas (from the latest deploy event). */
  desiredReplicas?: number;
  /** Pod and job errors of the running artifact, newest first. */
  errors: RolloutContainerError[];
  /** Message of the latest Flux event for the service, if any. */
  fluxMessage?: string;
  /** RFC 3339 time of the latest event. */
  updatedAt?: string;
}

/**
 * What runs in one environment (Lunar `Environment`, plus Slipway fields).
 * @public
 */
export interface EnvironmentStatus {
  /** Environment name, e.g. `dev`. */
  name: string;
  /** The running artifact id (Lunar calls it `tag`). */
  tag?: string;
  /** Application commit committer name. */
  committer?: string;
  /** Application commit author name. */
  author?: string;
  /** Application commit message. */
  message?: string;
  /** Artifact build end, epoch milliseconds. */
  date?: number;
  /** CI job URL. */
  buildUrl?: string;
  highVulnerabilities?: number;
  mediumVulnerabilities?: number;
  lowVulnerabilities?: number;
  /** Slipway extension: namespace the service runs in. */
  namespace?: string;
  /** Slipway extension: application branch of the running artifact. */
  branch?: string;
  /** Slipway extension: application commit sha. */
  sha?: string;
  /** Slipway extension: application repository web URL. */
  commitUrl?: string;
  /** Slipway extension: RFC 3339 time of the release commit. */
  releasedAt?: string;
  /** Slipway extension: who released it. */
  releasedByName?: string;
  releasedByEmail?: string;
  /** Slipway extension: intent type of the release commit. */
  intent?: IntentType;
  /** Slipway extension: config repo commit sha of the release. */
  releaseCommit?: string;
  /** Slipway extension: rollout state. */
  rollout?: RolloutStatus;
  /** Slipway extension: set while auto-release into this environment is paused (after an automatic rollback). */
  autoReleasePaused?: AutoReleasePause;
}

/**
 * `GET /status?service=` response. Lunar's clients read `dev`, `staging` and
 * `prod` (older) or `environments` (newer); both are sent. Environments with
 * nothing released are listed in `environments` with only `name` (and
 * `rollout.phase: unknown`).
 * @public
 */
export interface StatusResponse {
  /** True when every environment uses its own name as namespace. */
  defaultNamespaces?: boolean;
  dev?: EnvironmentStatus;
  staging?: EnvironmentStatus;
  prod?: EnvironmentStatus;
  /** All configured environments, in configured order. */
  environments: EnvironmentStatus[];
  /** Slipway extension: the service name. */
  service?: string;
}

/* ------------------------------------------------------------------ */
/* Releases: POST /release                                             */
/* ------------------------------------------------------------------ */

/** @public */
export type IntentType =
  | 'ReleaseArtifact'
  | 'ReleaseBranch'
  | 'Promote'
  | 'Rollback'
  | 'AutoRelease';

/**
 * Why a release happens (Lunar `intent.Intent`).
 * @public
 */
export interface Intent {
  type: IntentType;
  /** For `ReleaseBranch`: the branch whose latest artifact is released. */
  releaseBranch?: { branch?: string };
  /** For `Promote`: the environment the artifact is taken from. */
  promote?: { fromEnvironment?: string };
  /** For `Rollback`: the artifact that ran before the rollback. */
  rollback?: { previousArtifactId?: string };
}

/**
 * `POST /release` body (Lunar `ReleaseRequest`).
 *
 * `artifactId` is required by Lunar; this server derives it when it is left
 * out for `ReleaseBranch` (latest artifact of the branch), `Promote` (what
 * runs in the previous environment) and `Rollback` (the previous release in
 * this environment).
 * @public
 */
export interface ReleaseRequest {
  service: string;
  environment: string;
  artifactId?: string;
  /** The person releasing (recorded in the release commit). */
  committerName: string;
  committerEmail: string;
  intent: Intent;
}

/**
 * `POST /release` response (Lunar `ReleaseResponse`). `status` is empty on a
 * new release and `Environment is already up-to-date` when nothing changed.
 * @public
 */
export interface ReleaseResponse {
  service: string;
  /** The released artifact id. */
  releaseId: string;
  status?: string;
  toEnvironment: string;
  /** Same as `releaseId`. */
  tag: string;
  /** Slipway extension: config repo commit sha (absent when nothing changed). */
  commit?: string;
}

/**
 * `POST /rollback` body (Slipway/Lunar v0 route): roll back to the previous
 * release in the environment, or to `artifactId` when given.
 * @public
 */
export interface RollbackRequest {
  service: string;
  environment: string;
  /** Optional: the artifact to roll back to; must have been released to the environment before. */
  artifactId?: string;
  namespace?: string;
  committerName: string;
  committerEmail: string;
}

/** `POST /rollback` response (Lunar `RollbackResponse`). @public */
export interface RollbackResponse {
  service: string;
  status?: string;
  environment: string;
  /** The artifact that ran before. */
  previousArtifactId: string;
  /** The artifact now released. */
  newArtifactId: string;
  /** Slipway extension: config repo commit sha. */
  commit?: string;
}

/**
 * `POST /promote` body (Slipway/Lunar v0 route): release to `environment` the
 * artifact that runs in the environment before it.
 * @public
 */
export interface PromoteRequest {
  service: string;
  environment: string;
  committerName: string;
  committerEmail: string;
}

/** `POST /promote` response (Lunar `PromoteResponse`). @public */
export interface PromoteResponse {
  service: string;
  fromEnvironment: string;
  toEnvironment: string;
  status?: string;
  tag: string;
  /** Slipway extension: config repo commit sha. */
  commit?: string;
}

/* ------------------------------------------------------------------ */
/* Policies                                                            */
/* ------------------------------------------------------------------ */

/** @public */
export interface AutoReleasePolicy {
  /** `auto-release-<branch>-<environment>` */
  id: string;
  branch: string;
  environment: string;
}

/** @public */
export interface BranchRestrictionPolicy {
  /** `branch-restriction-<environment>`, or `global-branch-restriction-<environment>`. */
  id: string;
  environment: string;
  /** A JavaScript/RE2-compatible regular expression matched against the whole branch name. */
  branchRegex: string;
  /** Slipway extension: true for restrictions from server config, which no API call can remove. */
  global?: boolean;
}

/** `GET /policies?service=` response (Lunar `ListPoliciesResponse`). @public */
export interface ListPoliciesResponse {
  service: string;
  autoReleases: AutoReleasePolicy[];
  branchRestrictions: BranchRestrictionPolicy[];
  /** Slipway extension: automatic rollback policies; sent only when the service has any. */
  autoRollbacks?: AutoRollbackPolicy[];
}

/** `PATCH /policies/auto-release` body. @public */
export interface ApplyAutoReleasePolicyRequest {
  service: string;
  branch: string;
  environment: string;
  committerName: string;
  committerEmail: string;
}

/** `PATCH /policies/auto-release` response (HTTP 201). @public */
export interface ApplyPolicyResponse {
  id: string;
  service: string;
  branch: string;
  environment: string;
}

/** `PATCH /policies/branch-restriction` body. @public */
export interface ApplyBranchRestrictionPolicyRequest {
  service: string;
  environment: string;
  branchRegex: string;
  committerName: string;
  committerEmail: string;
}

/** `PATCH /policies/branch-restriction` response (HTTP 201). @public */
export interface ApplyBranchRestrictionPolicyResponse {
  id: string;
  service: string;
  environment: string;
  branchRegex: string;
}

/** `DELETE /policies` body. @public */
export interface DeletePolicyRequest {
  service: string;
  policyIds: string[];
  committerName: string;
  committerEmail: string;
}

/** `DELETE /policies` response. @public */
export interface DeletePolicyResponse {
  service: string;
  /** Number of policies removed. */
  count: number;
}

/* ------------------------------------------------------------------ */
/* Describe                                                            */
/* ------------------------------------------------------------------ */

/**
 * One release in `GET /describe/release/{service}/{environment}` (Lunar
 * `DescribeReleaseResponseRelease`), read back from the config repo's commits.
 * @public
 */
export interface DescribeReleaseResponseRelease {
  /** 0 for the newest release, 1 for the one before, ... */
  releaseIndex: number;
  artifact: ArtifactSpec;
  /** RFC 3339 time of the release commit. */
  releasedAt: string;
  releasedByEmail: string;
  releasedByName: string;
  /** The intent type, e.g. `Promote`. */
  intent: IntentType;
  /** Slipway extension: the whole intent. */
  intentDetail?: Intent;
  /** Slipway extension: config repo commit sha. */
  commit?: string;
  /** Slipway extension: the reason given to break glass (release into a frozen environment). */
  breakGlassReason?: string;
  /** Slipway extension: the reason given to override failing promotion gates. */
  gateOverrideReason?: string;
  /** Slipway extension: set on a rollback the release manager made automatically. */
  autoRollback?: {
    trigger: AutoRollbackTrigger;
    /** Why, e.g. `the rollout of main-… failed: pod … CrashLoopBackOff`. */
    reason: string;
    /** The release that failed and was rolled back. */
    failedArtifactId: string;
  };
}

/** `GET /describe/release/{service}/{environment}?count=` response. @public */
export interface DescribeReleaseResponse {
  service: string;
  environment: string;
  /** Newest first; at most `count` (default 1). */
  releases: DescribeReleaseResponseRelease[];
}

/**
 * `GET /describe/artifact/{service}?count=&branch=` and
 * `GET /describe/latest-artifact/{service}?branch=` response: newest first.
 * @public
 */
export interface DescribeArtifactResponse {
  service: string;
  artifacts: ArtifactSpec[];
}

/* ------------------------------------------------------------------ */
/* Artifact upload: POST /artifacts/create                             */
/* ------------------------------------------------------------------ */

/**
 * `POST /artifacts/create` body (Lunar `ArtifactUploadRequest`, plus
 * `manifests`). With `manifests` the artifact is stored at once (and
 * auto-release policies fire); without, the manifests are expected at
 * `artifactUploadUrl` (`PUT`, a JSON {@link ArtifactManifests} body whose MD5
 * must equal `md5` when `md5` was given).
 * @public
 */
export interface ArtifactUploadRequest {
  artifact: ArtifactSpec;
  /** MD5 (hex or base64) of the manifests body uploaded to `artifactUploadUrl`. */
  md5?: string;
  /** Slipway extension: manifests inline. */
  manifests?: ArtifactManifests;
}

/** `POST /artifacts/create` response (HTTP 201). @public */
export interface ArtifactUploadResponse {
  /** Where to `PUT` the manifests (absent when they came inline). */
  artifactUploadUrl?: string;
  /** Slipway extension: auto-releases the artifact triggered. */
  autoReleases?: Array<{
    environment: string;
    status: string;
    commit?: string;
  }>;
}

/* ------------------------------------------------------------------ */
/* Daemon webhooks: POST /webhook/daemon/k8s/{deploy,error,joberror}   */
/* ------------------------------------------------------------------ */

/**
 * `POST /webhook/daemon/k8s/deploy` body (Lunar `ReleaseEvent`): a workload of
 * an artifact was rolled out; `availablePods` of `replicas` are ready.
 * @public
 */
export interface ReleaseEvent {
  /** Workload (deployment) name; the service name. */
  name: string;
  namespace?: string;
  /** `Deployment`, `StatefulSet`, `DaemonSet`, `Job`. */
  resourceType?: string;
  availablePods: number;
  /** Desired replicas. */
  replicas?: number;
  artifactId: string;
  authorEmail?: string;
  environment: string;
}

/** A container error of a pod (Lunar `ContainerError`, plus Slipway fields). @public */
export interface ContainerError {
  /** Container name. */
  name: string;
  /** Error message, e.g. `back-off 5m0s restarting failed container`. */
  message?: string;
  /** Lunar's `type`: `CrashLoopBackOff`, `CreateContainerConfigError`, ... */
  type?: string;
  /** Slipway extension: alias of `type`. */
  reason?: string;
  /** Slipway extension: the container's last log lines, newest last. */
  logs?: string[];
}

/**
 * `POST /webhook/daemon/k8s/error` body (Lunar `PodErrorEvent`).
 * @public
 */
export interface PodErrorEvent {
  podName: string;
  namespace?: string;
  errors: ContainerError[];
  authorEmail?: string;
  environment: string;
  artifactId: string;
  /** Slipway extension: the service, when the pod name does not start with it. */
  service?: string;
}

/** A job condition error (Lunar `JobConditionError`). @public */
export interface JobConditionError {
  type?: string;
  reason?: string;
  message?: string;
}

/** `POST /webhook/daemon/k8s/joberror` body (Lunar `JobErrorEvent`). @public */
export interface JobErrorEvent {
  jobName: string;
  namespace?: string;
  errors: JobConditionError[];
  authorEmail?: string;
  environment: string;
  artifactId: string;
  /** Slipway extension: the service, when the job name does not start with it. */
  service?: string;
}

/** Response of the daemon webhooks (Lunar `KubernetesNotifyResponse`): empty. @public */
export type KubernetesNotifyResponse = Record<string, never>;

/* ------------------------------------------------------------------ */
/* Slipway extensions                                                  */
/* ------------------------------------------------------------------ */

/**
 * A Flux notification-controller event, as its `generic` and `generic-hmac`
 * providers POST it (fluxcd.io/flux/components/notification/providers/#generic-webhook).
 * `POST /webhook/flux/{environment}`.
 * @public
 */
export interface FluxEvent {
  involvedObject: {
    kind: string;
    namespace?: string;
    name: string;
    uid?: string;
    apiVersion?: string;
    resourceVersion?: string;
  };
  /** `info` or `error`. */
  severity: 'info' | 'error' | (string & {});
  /** RFC 3339. */
  timestamp?: string;
  message: string;
  /** e.g. `ReconciliationSucceeded`, `HealthCheckFailed`, `Progressing`. */
  reason: string;
  /** e.g. `{ revision: "main@sha1:..." }`. */
  metadata?: Record<string, string>;
  reportingController?: string;
  reportingInstance?: string;
}

/** `GET /rollout/{service}` response (Slipway extension). @public */
export interface RolloutResponse {
  service: string;
  /** Environment name → rollout state. */
  environments: Record<string, RolloutStatus>;
}

/** Kind of an entry of the events feed. @public */
export type ReleaseManagerEventType =
  | 'release'
  | 'rollback'
  | 'promote'
  | 'auto-release'
  | 'policy'
  | 'artifact'
  | 'rollout'
  | 'auto-rollback'
  | 'auto-release-paused'
  | 'auto-release-resumed'
  | 'freeze'
  | 'break-glass'
  | 'gate-override'
  | 'signals';

/**
 * One entry of `GET /events` (Slipway extension).
 * @public
 */
export interface ReleaseManagerEvent {
  /** Monotonic id; larger is newer. */
  id: number;
  type: ReleaseManagerEventType;
  service?: string;
  environment?: string;
  artifactId?: string;
  actorName?: string;
  actorEmail?: string;
  /** One line, e.g. `payment-gateway main-... released to prod by Jane Doe`. */
  message: string;
  /** Type-specific details (intent, policy, rollout phase, ...). */
  data?: Record<string, unknown>;
  /** RFC 3339. */
  createdAt: string;
}

/**
 * `GET /events?since=&service=&environment=&limit=` response (Slipway
 * extension): newest first. `since` is an RFC 3339 time or epoch
 * milliseconds; `limit` defaults to 100 (max 1000).
 * @public
 */
export interface EventsResponse {
  events: ReleaseManagerEvent[];
}

/** `GET /services` response (Slipway extension): services with artifacts or releases. @public */
export interface ListServicesResponse {
  services: string[];
  /** Configured environments, in order. */
  environments: string[];
}

/** `GET /healthz` response. @public */
export interface HealthResponse {
  status: 'ok';
  /** Config repo HEAD commit. */
  head?: string;
}

/* ------------------------------------------------------------------ */
/* Automatic rollback and pausing auto-release (Slipway extension)     */
/* ------------------------------------------------------------------ */

/**
 * An automatic rollback policy of a service in one environment, kept with the
 * service's other policies in the config repo (`policies/<service>.json`,
 * `autoRollbacks`). When one of its triggers fires for the release running in the
 * environment, the release manager rolls back to the previous release (a Rollback
 * commit by "Slipway auto-rollback") and pauses auto-release into the environment.
 * At least one trigger is set.
 * @public
 */
export interface AutoRollbackPolicy {
  /** `auto-rollback-<environment>` (one policy per environment). */
  id: string;
  environment: string;
  /** Roll back when the rollout fails: pods crash-loop or fail (daemon pod or job errors, a Flux error). */
  onRolloutFailure: boolean;
  /** Roll back when the release is not ready (all replicas available) this many minutes after it was released; 1–1440. */
  notReadyWithinMinutes?: number;
  /** Roll back when the service's health light turns red within this many minutes after the release; 1–1440. */
  healthRedWithinMinutes?: number;
}

/** `PATCH /policies/auto-rollback` body: sets (or replaces) the environment's policy. @public */
export interface ApplyAutoRollbackPolicyRequest {
  service: string;
  environment: string;
  /** Default false. */
  onRolloutFailure?: boolean;
  notReadyWithinMinutes?: number;
  healthRedWithinMinutes?: number;
  committerName: string;
  committerEmail: string;
}

/** `PATCH /policies/auto-rollback` response (HTTP 201): the policy, with its service. @public */
export interface ApplyAutoRollbackPolicyResponse extends AutoRollbackPolicy {
  service: string;
}

/** `DELETE /policies/auto-rollback` body: removes the environment's policy. @public */
export interface DeleteAutoRollbackPolicyRequest {
  service: string;
  environment: string;
  committerName: string;
  committerEmail: string;
}

/**
 * Auto-release into an environment is paused: set by an automatic rollback, lifted by
 * the next release a person makes (any intent but AutoRelease) or by
 * `POST /auto-release/resume`.
 * @public
 */
export interface AutoReleasePause {
  /** RFC 3339 time the pause began (the automatic rollback). */
  since: string;
  /** Why, e.g. `rolled back automatically: the rollout of main-... failed (CrashLoopBackOff)`. */
  reason: string;
  /** The release that failed and was rolled back. */
  failedArtifactId: string;
}

/** `POST /auto-release/resume` body. @public */
export interface ResumeAutoReleaseRequest {
  service: string;
  environment: string;
  committerName: string;
  committerEmail: string;
}

/** `POST /auto-release/resume` response. @public */
export interface ResumeAutoReleaseResponse {
  service: string;
  environment: string;
  /** False when auto-release was not paused (nothing changed). */
  resumed: boolean;
}

/** What fired an automatic rollback. @public */
export type AutoRollbackTrigger = 'rollout-failed' | 'not-ready' | 'health-red';

/**
 * One automatic rollback (at most one per service, environment and failed artifact).
 * @public
 */
export interface AutoRollbackRecord {
  service: string;
  environment: string;
  failedArtifactId: string;
  trigger: AutoRollbackTrigger;
  reason: string;
  /** `rolled-back`, `failed` (could not roll back: `message` says why) or `pending` (under way). */
  state: 'pending' | 'rolled-back' | 'failed';
  /** The artifact rolled back to. */
  rolledBackTo?: string;
  /** The Rollback commit in the config repo. */
  commit?: string;
  /** Why the rollback failed. */
  message?: string;
  /** RFC 3339. */
  createdAt: string;
}

/** `GET /auto-rollbacks?service=&environment=` response: newest first. @public */
export interface ListAutoRollbacksResponse {
  service: string;
  autoRollbacks: AutoRollbackRecord[];
}

/* Safe delivery (freeze windows, promotion gates, signals, break glass): ./safeDeliveryTypes */
export type * from './safeDeliveryTypes';

export type * from './insightsTypes';
