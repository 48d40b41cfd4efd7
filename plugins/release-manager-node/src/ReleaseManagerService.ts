import { ReleaseManagerClient } from '@slipway/plugin-release-manager-common';
import { ReleaseManagerConnection } from './config';
import { mapReleaseManagerError } from './errors';

/** The client methods the service offers, each with its errors mapped. */
const METHODS = [
  'status',
  'describeReleases',
  'describeArtifacts',
  'latestArtifact',
  'release',
  'promote',
  'rollback',
  'createArtifact',
  'listPolicies',
  'applyAutoReleasePolicy',
  'applyBranchRestrictionPolicy',
  'deletePolicies',
  'applyAutoRollbackPolicy',
  'deleteAutoRollbackPolicy',
  'resumeAutoRelease',
  'listAutoRollbacks',
  'events',
  'insightsEvents',
  'insightsDrift',
  'insightsDora',
  'safeRelease',
  'evaluateGates',
  'listFreezes',
  'addFreeze',
  'removeFreeze',
  'setIncidentFreezePolicy',
  'pushSignals',
] as const;

/**
 * The release manager as backend plugins and modules use it: the typed client of
 * `@slipway/plugin-release-manager-common` (same methods, same request and response
 * shapes) whose errors are Backstage errors, mapped once by
 * {@link mapReleaseManagerError} (`InputError`, `NotFoundError`, `ConflictError`,
 * `ServiceUnavailableError`), plus the connection it was built from.
 *
 * @public
 */
export interface ReleaseManagerService
  extends Pick<ReleaseManagerClient, (typeof METHODS)[number]> {
  /** Where the release manager is and the environment order, read once from config. */
  readonly connection: ReleaseManagerConnection;
}

/**
 * Builds a {@link ReleaseManagerService} for `connection`. Backend features get theirs
 * from `releaseManagerServiceRef`; this is for tests and scripts.
 *
 * @param options.fetch - the fetch implementation; default the global `fetch`
 * @public
 */
export function createReleaseManagerService(
  connection: ReleaseManagerConnection,
  options: { fetch?: typeof fetch } = {},
): ReleaseManagerService {
  const client = new ReleaseManagerClient({
    baseUrl: connection.baseUrl,
    token: connection.token,
    timeoutMs: connection.timeoutMs,
    fetch: options.fetch,
  });
  const service: Record<string, unknown> = { connection };
  for (const method of METHODS) {
    const call = client[method].bind(client) as (
      ...args: unknown[]
    ) => Promise<unknown>;
    service[method] = async (...args: unknown[]) => {
      try {
        return await call(...args);
      } catch (error) {
        throw mapReleaseManagerError(error);
      }
    };
  }
  return service as unknown as ReleaseManagerService;
}
