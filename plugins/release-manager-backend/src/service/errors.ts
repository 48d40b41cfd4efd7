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
 * Turns an error of the release manager client into the error the portal answers with:
 * the release manager's 400 → 400 with its message (a branch restriction names the
 * policy), 404 → 404, 409 → 409, its own 401/403 (the portal's token is wrong) and any
 * 5xx or an unreachable server → 503 `release manager unavailable: ...`. Other errors
 * are returned unchanged.
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
          `release manager unavailable: it refused the portal's credentials (${error.status} ${error.message}); check releaseManager.token`,
        );
      default:
        return new ServiceUnavailableError(
          `release manager unavailable: ${error.status} ${error.message}`,
        );
    }
  }
  return error;
}

/** Runs `fn` and rethrows its errors mapped by {@link mapReleaseManagerError}. */
export async function callReleaseManager<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw mapReleaseManagerError(error);
  }
}
