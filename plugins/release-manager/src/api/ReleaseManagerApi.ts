import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ApplyAutoRollbackPolicyResponse,
  ApplyBranchRestrictionPolicyResponse,
  ApplyPolicyResponse,
  DeletePolicyResponse,
  EntityArtifacts,
  EntityPolicies,
  EntityReleaseHistory,
  EntityReleaseResult,
  EntityReleaseStatus,
  FreezeWindow,
  FreezeWindowSpec,
  GatesResponse,
  IntentType,
  ListFreezeWindowsResponse,
  ResumeAutoReleaseResponse,
  SafeReleaseResponse,
} from '@slipway/plugin-release-manager-common';

/**
 * A release through `POST …/releases` (any intent) that may break glass (release into a
 * frozen environment) and override failing promotion gates, each with a typed reason
 * (one line, 1 to 500 characters).
 */
export type SafeReleaseOptions = {
  environment: string;
  intent: IntentType;
  /** The artifact to release (ReleaseArtifact, Rollback); absent: the server resolves it. */
  artifactId?: string;
  breakGlass?: { reason: string };
  overrideGates?: { reason: string };
};

/**
 * The release-manager backend plugin (`/api/release-manager`) as the frontend uses it.
 * Every method throws a `ResponseError` (from `@backstage/errors`) on an error answer,
 * whose message is the backend's (e.g. the branch restriction that refused a release).
 */
export interface ReleaseManagerApi {
  /** What runs in each environment, in configured order, with rollout state. */
  getStatus(entity: CompoundEntityRef): Promise<EntityReleaseStatus>;
  /** The newest artifacts (default 10), newest first. */
  getArtifacts(
    entity: CompoundEntityRef,
    options?: { count?: number },
  ): Promise<EntityArtifacts>;
  /** The release history of one environment (default 10), newest first. */
  getReleases(
    entity: CompoundEntityRef,
    environment: string,
    options?: { count?: number },
  ): Promise<EntityReleaseHistory>;
  /** Auto-release and branch-restriction policies. */
  getPolicies(entity: CompoundEntityRef): Promise<EntityPolicies>;
  /** Releases an artifact to an environment. */
  release(
    entity: CompoundEntityRef,
    environment: string,
    artifactId: string,
  ): Promise<EntityReleaseResult>;
  /** Promotes the artifact of the previous environment to `environment`. */
  promote(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<EntityReleaseResult>;
  /** Rolls back to `artifactId`, or to the release before the current one. */
  rollback(
    entity: CompoundEntityRef,
    environment: string,
    artifactId?: string,
  ): Promise<EntityReleaseResult>;
  /** Creates an auto-release policy (`branch` → `environment`). */
  applyAutoReleasePolicy(
    entity: CompoundEntityRef,
    environment: string,
    branch: string,
  ): Promise<ApplyPolicyResponse>;
  /** Creates or replaces the branch restriction of `environment`. */
  applyBranchRestrictionPolicy(
    entity: CompoundEntityRef,
    environment: string,
    branchRegex: string,
  ): Promise<ApplyBranchRestrictionPolicyResponse>;
  /** Deletes a policy by id. */
  deletePolicy(
    entity: CompoundEntityRef,
    policyId: string,
  ): Promise<DeletePolicyResponse>;
  /**
   * Every promotion gate's result and the freeze state of a prospective release into
   * `environment` (without releasing).
   */
  getGates(
    entity: CompoundEntityRef,
    query: { environment: string; intent: IntentType; artifactId?: string },
  ): Promise<GatesResponse>;
  /** The freeze windows (global and the service's) with whether each is active now. */
  getFreezes(
    entity: CompoundEntityRef,
    environment?: string,
  ): Promise<ListFreezeWindowsResponse>;
  /** Adds a freeze window to the service (one-off `from`/`to`, or `rrule` + `timeZone` + `durationMinutes`). */
  addFreeze(
    entity: CompoundEntityRef,
    spec: FreezeWindowSpec,
  ): Promise<FreezeWindow>;
  /** Removes one of the service's freeze windows by id (`freeze-…`). */
  removeFreeze(entity: CompoundEntityRef, id: string): Promise<unknown>;
  /**
   * Releases with any intent, optionally breaking glass or overriding gates. A refusal
   * (frozen, gated) is a `ResponseError` with status 409 naming the window or gates.
   */
  safeRelease(
    entity: CompoundEntityRef,
    options: SafeReleaseOptions,
  ): Promise<SafeReleaseResponse>;
  /** Resumes auto-release into `environment` after an automatic rollback paused it. */
  resumeAutoRelease(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<ResumeAutoReleaseResponse>;
  /**
   * Sets (or replaces) the automatic rollback policy of `environment`; at least one
   * trigger (minutes are 1 to 1440). Removed with `deletePolicy(…, 'auto-rollback-<env>')`.
   */
  applyAutoRollbackPolicy(
    entity: CompoundEntityRef,
    policy: {
      environment: string;
      onRolloutFailure?: boolean;
      notReadyWithinMinutes?: number;
      healthRedWithinMinutes?: number;
    },
  ): Promise<ApplyAutoRollbackPolicyResponse>;
}

/** API reference of {@link ReleaseManagerApi}. */
export const releaseManagerApiRef = createApiRef<ReleaseManagerApi>({
  id: 'plugin.release-manager.service',
});

/** {@link ReleaseManagerApi} over `discoveryApi` + `fetchApi` (the user's token). */
export class ReleaseManagerClient implements ReleaseManagerApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getStatus(entity: CompoundEntityRef) {
    return this.request<EntityReleaseStatus>(entity, '/status');
  }

  getArtifacts(entity: CompoundEntityRef, options: { count?: number } = {}) {
    return this.request<EntityArtifacts>(
      entity,
      `/artifacts?count=${options.count ?? 10}`,
    );
  }

  getReleases(
    entity: CompoundEntityRef,
    environment: string,
    options: { count?: number } = {},
  ) {
    return this.request<EntityReleaseHistory>(
      entity,
      `/releases/${encodeURIComponent(environment)}?count=${
        options.count ?? 10
      }`,
    );
  }

  getPolicies(entity: CompoundEntityRef) {
    return this.request<EntityPolicies>(entity, '/policies');
  }

  release(entity: CompoundEntityRef, environment: string, artifactId: string) {
    return this.request<EntityReleaseResult>(entity, '/release', 'POST', {
      environment,
      artifactId,
    });
  }

  promote(entity: CompoundEntityRef, environment: string) {
    return this.request<EntityReleaseResult>(entity, '/promote', 'POST', {
      environment,
    });
  }

  rollback(
    entity: CompoundEntityRef,
    environment: string,
    artifactId?: string,
  ) {
    return this.request<EntityReleaseResult>(entity, '/rollback', 'POST', {
      environment,
      artifactId,
    });
  }

  applyAutoReleasePolicy(
    entity: CompoundEntityRef,
    environment: string,
    branch: string,
  ) {
    return this.request<ApplyPolicyResponse>(
      entity,
      '/policies/auto-release',
      'PUT',
      { environment, branch },
    );
  }

  applyBranchRestrictionPolicy(
    entity: CompoundEntityRef,
    environment: string,
    branchRegex: string,
  ) {
    return this.request<ApplyBranchRestrictionPolicyResponse>(
      entity,
      '/policies/branch-restriction',
      'PUT',
      { environment, branchRegex },
    );
  }

  deletePolicy(entity: CompoundEntityRef, policyId: string) {
    return this.request<DeletePolicyResponse>(
      entity,
      `/policies/${encodeURIComponent(policyId)}`,
      'DELETE',
    );
  }

  getGates(
    entity: CompoundEntityRef,
    query: { environment: string; intent: IntentType; artifactId?: string },
  ) {
    const params = new URLSearchParams({
      environment: query.environment,
      intent: query.intent,
    });
    if (query.artifactId) params.set('artifactId', query.artifactId);
    return this.request<GatesResponse>(entity, `/gates?${params}`);
  }

  getFreezes(entity: CompoundEntityRef, environment?: string) {
    return this.request<ListFreezeWindowsResponse>(
      entity,
      environment
        ? `/freezes?environment=${encodeURIComponent(environment)}`
        : '/freezes',
    );
  }

  addFreeze(entity: CompoundEntityRef, spec: FreezeWindowSpec) {
    return this.request<FreezeWindow>(entity, '/freezes', 'POST', spec);
  }

  removeFreeze(entity: CompoundEntityRef, id: string) {
    return this.request<unknown>(
      entity,
      `/freezes/${encodeURIComponent(id)}`,
      'DELETE',
    );
  }

  safeRelease(entity: CompoundEntityRef, options: SafeReleaseOptions) {
    return this.request<SafeReleaseResponse>(
      entity,
      '/releases',
      'POST',
      options,
    );
  }

  resumeAutoRelease(entity: CompoundEntityRef, environment: string) {
    return this.request<ResumeAutoReleaseResponse>(
      entity,
      '/auto-release/resume',
      'POST',
      { environment },
    );
  }

  applyAutoRollbackPolicy(
    entity: CompoundEntityRef,
    policy: {
      environment: string;
      onRolloutFailure?: boolean;
      notReadyWithinMinutes?: number;
      healthRedWithinMinutes?: number;
    },
  ) {
    return this.request<ApplyAutoRollbackPolicyResponse>(
      entity,
      '/policies/auto-rollback',
      'PUT',
      policy,
    );
  }

  private async request<T>(
    entity: CompoundEntityRef,
    path: string,
    method = 'GET',
    body?: unknown,
  ): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('release-manager');
    const url = `${base}/entities/${encodeURIComponent(
      entity.namespace,
    )}/${encodeURIComponent(
      entity.kind.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(entity.name)}${path}`;
    const response = await this.fetchApi.fetch(url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
