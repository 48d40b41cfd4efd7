import {
  ApplyAutoReleasePolicyRequest,
  AddFreezeWindowRequest,
  DeleteFreezeWindowRequest,
  DeleteFreezeWindowResponse,
  FreezeWindowState,
  GatesResponse,
  IntentType,
  ListFreezeWindowsResponse,
  SafeReleaseRequest,
  SafeReleaseResponse,
  ServiceSignals,
  ServiceSignalsRequest,
  SetIncidentFreezePolicyRequest,
  SetIncidentFreezePolicyResponse,
  DoraRequest,
  DoraResponse,
  DriftResponse,
  InsightsEventsResponse,
  ApplyAutoRollbackPolicyRequest,
  ApplyAutoRollbackPolicyResponse,
  DeleteAutoRollbackPolicyRequest,
  ListAutoRollbacksResponse,
  ResumeAutoReleaseRequest,
  ResumeAutoReleaseResponse,
  ApplyBranchRestrictionPolicyRequest,
  ApplyBranchRestrictionPolicyResponse,
  ApplyPolicyResponse,
  ArtifactUploadRequest,
  ArtifactUploadResponse,
  DeletePolicyRequest,
  DeletePolicyResponse,
  DescribeArtifactResponse,
  DescribeReleaseResponse,
  EventsResponse,
  FluxEvent,
  HealthResponse,
  JobErrorEvent,
  KubernetesNotifyResponse,
  ListPoliciesResponse,
  ListServicesResponse,
  PodErrorEvent,
  PromoteRequest,
  PromoteResponse,
  ReleaseEvent,
  ReleaseRequest,
  ReleaseResponse,
  RollbackRequest,
  RollbackResponse,
  RolloutResponse,
  StatusResponse,
} from './types';

/**
 * The release manager answered with an error status. `status` is the HTTP status and
 * `message` the release manager's own message (its `{status, message}` body, or the
 * response text when the body is not that shape).
 */
export class ReleaseManagerResponseError extends Error {
  readonly name = 'ReleaseManagerResponseError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The release manager could not be reached (connection refused, DNS failure, timeout,
 * or a reply that is not JSON). `message` says what went wrong.
 */
export class ReleaseManagerUnavailableError extends Error {
  readonly name = 'ReleaseManagerUnavailableError';
}

/** Options of {@link ReleaseManagerClient}. */
export type ReleaseManagerClientOptions = {
  /** Base URL of the release manager, e.g. `http://localhost:7100` (no trailing slash needed). */
  baseUrl: string;
  /** Bearer token the release manager expects (its `auth.token` / `HAMCTL_AUTH_TOKEN`). */
  token?: string;
  /** Timeout of each request in milliseconds; default 10000. */
  timeoutMs?: number;
  /** The fetch implementation; defaults to the global `fetch`. */
  fetch?: typeof fetch;
};

/** Query of {@link ReleaseManagerClient.insightsEvents}. */
export type InsightsEventsQuery = {
  services: string[];
  /** A named range (default `since-yesterday`: yesterday at `endOfDayHour`:00 in `zone`). */
  range?: 'since-yesterday' | '24h' | '7d';
  /** IANA time zone of `since-yesterday`; default UTC. */
  zone?: string;
  /** Hour (0–23) yesterday's working day ends; default 17. */
  endOfDayHour?: number;
  /** Instead of `range`: RFC 3339 time or epoch milliseconds. */
  since?: string | number;
  until?: string | number;
  /** At most this many events (default 500, max 5000). */
  limit?: number;
};

/** Query of {@link ReleaseManagerClient.events}. */
export type EventsQuery = {
  /** Only events newer than this: an RFC 3339 time or epoch milliseconds. */
  since?: string | number;
  service?: string;
  environment?: string;
  /** At most this many events (the server's default is 100, max 1000). */
  limit?: number;
};

/**
 * A typed HTTP client of the release manager API (Lunar-compatible routes plus the
 * Slipway extensions; see {@link StatusResponse} and the other types for the shapes).
 * Works in Node and in the browser. Every method throws
 * {@link ReleaseManagerResponseError} when the release manager answers with a status
 * of 400 or more, and {@link ReleaseManagerUnavailableError} when it cannot be reached
 * within `timeoutMs`.
 */
export class ReleaseManagerClient {
  private readonly baseUrl: string;
  private readonly token?: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ReleaseManagerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
  }

  /** `GET /status?service=`: what runs in each environment, with rollout state. */
  status(service: string): Promise<StatusResponse> {
    return this.request('GET', `/status?${query({ service })}`);
  }

  /** `GET /describe/release/{service}/{environment}?count=`: release history, newest first. */
  describeReleases(
    service: string,
    environment: string,
    count = 10,
  ): Promise<DescribeReleaseResponse> {
    return this.request(
      'GET',
      `/describe/release/${enc(service)}/${enc(environment)}?${query({
        count,
      })}`,
    );
  }

  /** `GET /describe/artifact/{service}?count=&branch=`: artifacts, newest first. */
  describeArtifacts(
    service: string,
    options: { count?: number; branch?: string } = {},
  ): Promise<DescribeArtifactResponse> {
    return this.request(
      'GET',
      `/describe/artifact/${enc(service)}?${query({
        count: options.count ?? 10,
        branch: options.branch,
      })}`,
    );
  }

  /** `GET /describe/latest-artifact/{service}?branch=`: the newest artifact of a branch. */
  latestArtifact(
    service: string,
    branch: string,
  ): Promise<DescribeArtifactResponse> {
    return this.request(
      'GET',
      `/describe/latest-artifact/${enc(service)}?${query({ branch })}`,
    );
  }

  /** `POST /release`: release an artifact (any intent: release, promote, rollback). */
  release(request: ReleaseRequest): Promise<ReleaseResponse> {
    return this.request('POST', '/release', request);
  }

  /**
   * `POST /promote`: release to `environment` what runs in the environment before it.
   * The release manager resolves the source environment and the artifact itself (a
   * release with intent `Promote`) and answers with both.
   */
  promote(request: PromoteRequest): Promise<PromoteResponse> {
    return this.request('POST', '/promote', request);
  }

  /**
   * `POST /rollback`: roll `environment` back to the release before the running one, or
   * to `artifactId` when given (it must have been released there). The release manager
   * resolves the target itself (a release with intent `Rollback`) and answers with the
   * artifact that ran before.
   */
  rollback(request: RollbackRequest): Promise<RollbackResponse> {
    return this.request('POST', '/rollback', request);
  }

  /**
   * `POST /artifacts/create`: upload an artifact spec with its manifests per environment
   * (the CI route). Matching auto-release policies fire at once; the answer lists them.
   */
  createArtifact(
    request: ArtifactUploadRequest,
  ): Promise<ArtifactUploadResponse> {
    return this.request('POST', '/artifacts/create', request);
  }

  /** `GET /policies?service=`: the service's auto-release and branch-restriction policies. */
  listPolicies(service: string): Promise<ListPoliciesResponse> {
    return this.request('GET', `/policies?${query({ service })}`);
  }

  /** `PATCH /policies/auto-release`: create or replace an auto-release policy. */
  applyAutoReleasePolicy(
    request: ApplyAutoReleasePolicyRequest,
  ): Promise<ApplyPolicyResponse> {
    return this.request('PATCH', '/policies/auto-release', request);
  }

  /** `PATCH /policies/branch-restriction`: create or replace a branch restriction. */
  applyBranchRestrictionPolicy(
    request: ApplyBranchRestrictionPolicyRequest,
  ): Promise<ApplyBranchRestrictionPolicyResponse> {
    return this.request('PATCH', '/policies/branch-restriction', request);
  }

  /** `DELETE /policies`: remove policies by id. */
  deletePolicies(request: DeletePolicyRequest): Promise<DeletePolicyResponse> {
    return this.request('DELETE', '/policies', request);
  }

  /**
   * `POST /releases` (Slipway extension): a release with any intent that may break
   * glass (`breakGlass: { reason }`: release into a frozen environment) or override
   * failing promotion gates (`overrideGates: { reason }`). A refusal by a freeze or a
   * gate is a {@link ReleaseManagerResponseError} with status 409 naming the window or
   * the gates.
   */
  safeRelease(request: SafeReleaseRequest): Promise<SafeReleaseResponse> {
    return this.request('POST', '/releases', request);
  }

  /**
   * `GET /gates` (Slipway extension): every promotion gate's result and the freeze
   * state of a prospective release into `environment`, without releasing. `intent`
   * defaults to Promote.
   */
  evaluateGates(q: {
    service: string;
    environment: string;
    intent?: IntentType;
    artifactId?: string;
    branch?: string;
  }): Promise<GatesResponse> {
    return this.request('GET', `/gates?${query(q)}`);
  }

  /** `GET /freezes?service=&environment=` (Slipway extension): global and the service's freeze windows, with when they apply. */
  listFreezes(
    service: string,
    environment?: string,
  ): Promise<ListFreezeWindowsResponse> {
    return this.request('GET', `/freezes?${query({ service, environment })}`);
  }

  /** `POST /freezes` (Slipway extension): add a freeze window to a service; 400 names a bad field (RRULE, zone, times). */
  addFreeze(request: AddFreezeWindowRequest): Promise<FreezeWindowState> {
    return this.request('POST', '/freezes', request);
  }

  /** `DELETE /freezes` (Slipway extension): remove a service's freeze window. */
  removeFreeze(
    request: DeleteFreezeWindowRequest,
  ): Promise<DeleteFreezeWindowResponse> {
    return this.request('DELETE', '/freezes', request);
  }

  /** `PUT /freezes/incident-policy` (Slipway extension): turn a service's incident freeze on or off. */
  setIncidentFreezePolicy(
    request: SetIncidentFreezePolicyRequest,
  ): Promise<SetIncidentFreezePolicyResponse> {
    return this.request('PUT', '/freezes/incident-policy', request);
  }

  /** `PUT /webhook/signals/{service}` (Slipway extension): push a service's health light and open incidents. */
  pushSignals(
    service: string,
    signals: ServiceSignalsRequest,
  ): Promise<ServiceSignals> {
    return this.request(
      'PUT',
      `/webhook/signals/${encodeURIComponent(service)}`,
      signals,
    );
  }

  /** `GET /signals/{service}` (Slipway extension): the newest signals pushed for a service (404 when none). */
  signals(service: string): Promise<ServiceSignals> {
    return this.request('GET', `/signals/${encodeURIComponent(service)}`);
  }

  /**
   * `PATCH /policies/auto-rollback` (Slipway extension): set or replace the automatic
   * rollback policy of a service in an environment. 400 names the field when no
   * trigger is set or a number is out of range.
   */
  applyAutoRollbackPolicy(
    request: ApplyAutoRollbackPolicyRequest,
  ): Promise<ApplyAutoRollbackPolicyResponse> {
    return this.request('PATCH', '/policies/auto-rollback', request);
  }

  /** `DELETE /policies/auto-rollback` (Slipway extension): remove the environment's automatic rollback policy (404 when none). */
  deleteAutoRollbackPolicy(
    request: DeleteAutoRollbackPolicyRequest,
  ): Promise<DeletePolicyResponse> {
    return this.request('DELETE', '/policies/auto-rollback', request);
  }

  /** `POST /auto-release/resume` (Slipway extension): lift the pause of auto-release set by an automatic rollback. */
  resumeAutoRelease(
    request: ResumeAutoReleaseRequest,
  ): Promise<ResumeAutoReleaseResponse> {
    return this.request('POST', '/auto-release/resume', request);
  }

  /** `GET /auto-rollbacks?service=&environment=` (Slipway extension): the service's automatic rollbacks, newest first. */
  listAutoRollbacks(
    service: string,
    environment?: string,
  ): Promise<ListAutoRollbacksResponse> {
    return this.request(
      'GET',
      `/auto-rollbacks?${query({ service, environment })}`,
    );
  }

  /**
   * `GET /insights/events` (Slipway extension): releases, promotions, rollbacks and
   * rollouts that failed or recovered, of a set of services, newest first.
   */
  insightsEvents(q: InsightsEventsQuery): Promise<InsightsEventsResponse> {
    return this.request(
      'GET',
      `/insights/events?${query({
        service: q.services.join(','),
        range: q.range,
        zone: q.zone,
        endOfDayHour: q.endOfDayHour,
        since: q.since,
        until: q.until,
        limit: q.limit,
      })}`,
    );
  }

  /** `GET /insights/drift` (Slipway extension): what runs where, and what waits in `from` for `to`. */
  insightsDrift(q: {
    services: string[];
    from?: string;
    to?: string;
  }): Promise<DriftResponse> {
    return this.request(
      'GET',
      `/insights/drift?${query({
        service: q.services.join(','),
        from: q.from,
        to: q.to,
      })}`,
    );
  }

  /** `POST /insights/dora` (Slipway extension): the four DORA keys of a set of services. */
  insightsDora(request: DoraRequest): Promise<DoraResponse> {
    return this.request('POST', '/insights/dora', request);
  }

  /** `GET /events`: the events feed (Slipway extension), newest first. */
  events(q: EventsQuery = {}): Promise<EventsResponse> {
    return this.request('GET', `/events?${query(q)}`);
  }

  /** `GET /rollout/{service}`: rollout state per environment (Slipway extension). */
  rolloutState(service: string): Promise<RolloutResponse> {
    return this.request('GET', `/rollout/${enc(service)}`);
  }

  /** `GET /services`: services with artifacts or releases, and the environments in order. */
  listServices(): Promise<ListServicesResponse> {
    return this.request('GET', '/services');
  }

  /** `GET /healthz`: the server is up; `head` is its config repo's HEAD (no token needed). */
  health(): Promise<HealthResponse> {
    return this.request('GET', '/healthz');
  }

  /** `POST /webhook/daemon/k8s/deploy`: a release daemon reports a rollout (daemon token). */
  daemonDeploy(event: ReleaseEvent): Promise<KubernetesNotifyResponse> {
    return this.request('POST', '/webhook/daemon/k8s/deploy', event);
  }

  /** `POST /webhook/daemon/k8s/error`: a release daemon reports failing containers of a pod. */
  daemonPodError(event: PodErrorEvent): Promise<KubernetesNotifyResponse> {
    return this.request('POST', '/webhook/daemon/k8s/error', event);
  }

  /** `POST /webhook/daemon/k8s/joberror`: a release daemon reports a failed job. */
  daemonJobError(event: JobErrorEvent): Promise<KubernetesNotifyResponse> {
    return this.request('POST', '/webhook/daemon/k8s/joberror', event);
  }

  /**
   * `POST /webhook/flux/{environment}`: a Flux notification-controller event (as its
   * `generic` provider sends it; the `generic-hmac` provider signs the body, which this
   * client does not do).
   */
  fluxEvent(
    environment: string,
    event: FluxEvent,
  ): Promise<KubernetesNotifyResponse> {
    return this.request('POST', `/webhook/flux/${enc(environment)}`, event);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const e = error as Error;
      const reason =
        e.name === 'TimeoutError' || e.name === 'AbortError'
          ? `no answer within ${this.timeoutMs} ms`
          : describeNetworkError(e);
      throw new ReleaseManagerUnavailableError(
        `${method} ${this.baseUrl}${path.split('?')[0]}: ${reason}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ReleaseManagerResponseError(
        response.status,
        errorMessage(text) || `${response.status} ${response.statusText}`,
      );
    }
    if (!text) return {} as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ReleaseManagerUnavailableError(
        `${method} ${this.baseUrl}${
          path.split('?')[0]
        }: the answer is not JSON`,
      );
    }
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  return search.toString();
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.message === 'string') return parsed.message;
    if (parsed?.error && typeof parsed.error.message === 'string')
      return parsed.error.message;
  } catch {
    // not JSON: use the text itself
  }
  return text.trim().slice(0, 500);
}

function describeNetworkError(error: Error): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    .cause;
  if (cause?.code)
    return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error.message;
}
