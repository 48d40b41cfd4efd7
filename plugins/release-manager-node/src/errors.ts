import {
  ConflictError,
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ReleaseManagerResponseError,
  ReleaseManagerUnavailableError,
} from '@slipway/plugin-release-manager-common';

/**
 * Turns an error of the release manager client into the Backstage error a backend
 * answers with: the release manager's 400/422 → `InputError` with its message (a branch
 * restriction names the policy), 404 → `NotFoundError`, 409 → `ConflictError`, its own
 * 401/403 (the backend's token is wrong) and any 5xx or an unreachable server →
 * `ServiceUnavailableError` `release manager unavailable: ...`. Other errors are
 * returned unchanged.
 *
 * @public
 */
export function mapReleaseManagerError(error: unknown): unknown {
  if (error instanceof ReleaseManagerUnavailableError) {
    return new ServiceUnavailableError(
      `release manager unavailable: ${error.message}`,
    );
  }
  if (error instanceof ReleaseManagerResponseError) {
    switch (error.status) {
      case 400:
      case 422:
        return new InputError(error.message);
      case 404:
        return new NotFoundError(error.message);
      case 409:
        return new ConflictError(error.message);
      case 401:
      case 403:
        return new ServiceUnavailableError(
          `release manager unavailable: it refused the backend's credentials (${error.status} ${error.message}); check releaseManager.token`,
        );
      default:
        return new ServiceUnavailableError(
          `release manager unavailable: ${error.status} ${error.message}`,
        );
    }
  }
  return error;
}
