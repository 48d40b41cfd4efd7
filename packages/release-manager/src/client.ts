import {
  ApplyBranchRestrictionPolicyRequest,
  ApplyBranchRestrictionPolicyResponse,
  ApplyAutoReleasePolicyRequest,
  ApplyPolicyResponse,
  ArtifactUploadRequest,
  ArtifactUploadResponse,
  DeletePolicyRequest,
  DeletePolicyResponse,
  DescribeArtifactResponse,
  DescribeReleaseResponse,
  EventsResponse,
  FluxEvent,
  JobErrorEvent,
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
} from './http/types';

/** Options of {@link ReleaseManagerClient}. @public */
export interface ReleaseManagerClientOptions {
  /** Base URL, e.g. `http://localhost:7100`. */
  baseUrl: string;
  /** Bearer token. */
  token: string;
  /** fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

/**
 * A small Node client of the release manager's HTTP API (used by the CLI, the
 * seed script and tests). Non-2xx answers throw an `Error` whose message is
 * the server's `message`, with `status` set to the HTTP status.
 * @public
 */
export class ReleaseManagerClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ReleaseManagerClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await this.fetchImpl(
      `${this.options.baseUrl.replace(/\/$/, '')}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      },
    );
    const text = await res.text();
    let data: any;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = { message: text };
    }
    if (!res.ok) {
      const error = new Error(
        data?.message ?? `HTTP ${res.status}`,
      ) as Error & { status: number };
      error.status = res.status;
      throw error;
    }
    return data as T;
  }

  release(req: ReleaseRequest) {
    return this.request<ReleaseResponse>('POST', '/release', req);
  }
  rollback(req: RollbackRequest) {
    return this.request<RollbackResponse>('POST', '/rollback', req);
  }
  promote(req: PromoteRequest) {
    return this.request<PromoteResponse>('POST', '/promote', req);
  }
  status(service: string) {
    return this.request<StatusResponse>(
      'GET',
      `/status?service=${encodeURIComponent(service)}`,
    );
  }
  rolloutState(service: string) {
    return this.request<RolloutResponse>(
      'GET',
      `/rollout/${encodeURIComponent(service)}`,
    );
  }
  services() {
    return this.request<ListServicesResponse>('GET', '/services');
  }
  events(
    q: {
      since?: string;
      service?: string;
      environment?: string;
      limit?: number;
    } = {},
  ) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q))
      if (v !== undefined) params.set(k, String(v));
    return this.request<EventsResponse>('GET', `/events?${params}`);
  }
  policies(service: string) {
    return this.request<ListPoliciesResponse>(
      'GET',
      `/policies?service=${encodeURIComponent(service)}`,
    );
  }
  applyAutoRelease(req: ApplyAutoReleasePolicyRequest) {
    return this.request<ApplyPolicyResponse>(
      'PATCH',
      '/policies/auto-release',
      req,
    );
  }
  applyBranchRestriction(req: ApplyBranchRestrictionPolicyRequest) {
    return this.request<ApplyBranchRestrictionPolicyResponse>(
      'PATCH',
      '/policies/branch-restriction',
      req,
    );
  }
  deletePolicies(req: DeletePolicyRequest) {
    return this.request<DeletePolicyResponse>('DELETE', '/policies', req);
  }
  describeRelease(service: string, environment: string, count = 1) {
    return this.request<DescribeReleaseResponse>(
      'GET',
      `/describe/release/${encodeURIComponent(service)}/${encodeURIComponent(
        environment,
      )}?count=${count}`,
    );
  }
  describeArtifact(service: string, count = 1, branch?: string) {
    const b = branch ? `&branch=${encodeURIComponent(branch)}` : '';
    return this.request<DescribeArtifactResponse>(
      'GET',
      `/describe/artifact/${encodeURIComponent(service)}?count=${count}${b}`,
    );
  }
  latestArtifact(service: string, branch: string) {
    return this.request<DescribeArtifactResponse>(
      'GET',
      `/describe/latest-artifact/${encodeURIComponent(
        service,
      )}?branch=${encodeURIComponent(branch)}`,
    );
  }
  createArtifact(req: ArtifactUploadRequest) {
    return this.request<ArtifactUploadResponse>(
      'POST',
      '/artifacts/create',
      req,
    );
  }
  daemonDeploy(ev: ReleaseEvent) {
    return this.request<{}>('POST', '/webhook/daemon/k8s/deploy', ev);
  }
  daemonPodError(ev: PodErrorEvent) {
    return this.request<{}>('POST', '/webhook/daemon/k8s/error', ev);
  }
  daemonJobError(ev: JobErrorEvent) {
    return this.request<{}>('POST', '/webhook/daemon/k8s/joberror', ev);
  }
  fluxEvent(environment: string, ev: FluxEvent) {
    return this.request<{}>(
      'POST',
      `/webhook/flux/${encodeURIComponent(environment)}`,
      ev,
    );
  }
}
