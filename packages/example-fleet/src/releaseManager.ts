import {
  ReleaseManagerClient,
  ReleaseManagerResponseError,
  ReleaseManagerUnavailableError,
} from '@slipway/plugin-release-manager-common';
import type {
  ArtifactUploadRequest,
  ArtifactUploadResponse,
  StatusResponse,
} from '@slipway/plugin-release-manager-common';

/** Where the release manager is and how to authenticate. */
export interface ReleaseManagerTarget {
  /** Base URL, e.g. `http://localhost:7100`. */
  baseUrl: string;
  /** Bearer token (`RELEASE_MANAGER_TOKEN`; `slipway-dev-token` on the embedded default). */
  token: string;
}

/**
 * The release manager API as the fleet uses it: the shared typed client of
 * `@slipway/plugin-release-manager-common` for releases, status, history and policies,
 * plus the CI route `POST /artifacts/create` (manifests inline) that it does not cover.
 */
export class FleetReleaseManager {
  readonly client: ReleaseManagerClient;

  constructor(private readonly target: ReleaseManagerTarget) {
    this.client = new ReleaseManagerClient({
      baseUrl: target.baseUrl,
      token: target.token,
      timeoutMs: 60_000,
    });
  }

  /**
   * `POST /artifacts/create` with the manifests inline, as CI uploads an artifact.
   * @throws ReleaseManagerResponseError on a status of 400 or more
   */
  async uploadArtifact(
    request: ArtifactUploadRequest,
  ): Promise<ArtifactUploadResponse> {
    const url = `${this.target.baseUrl.replace(/\/+$/, '')}/artifacts/create`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.target.token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new ReleaseManagerUnavailableError(
        `POST ${url}: ${(error as Error).message}`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 500);
      try {
        message = JSON.parse(text).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ReleaseManagerResponseError(res.status, message);
    }
    return text ? JSON.parse(text) : {};
  }

  /** `GET /status`, or `undefined` when the release manager does not know the service (404). */
  async statusOrUndefined(
    service: string,
  ): Promise<StatusResponse | undefined> {
    try {
      return await this.client.status(service);
    } catch (error) {
      if (error instanceof ReleaseManagerResponseError && error.status === 404)
        return undefined;
      throw error;
    }
  }

  /** Ids of the service's artifacts (newest first; at most 200), empty for an unknown service. */
  async artifactIds(service: string): Promise<Set<string>> {
    try {
      const res = await this.client.describeArtifacts(service, { count: 200 });
      return new Set(res.artifacts.map(a => a.id));
    } catch (error) {
      if (error instanceof ReleaseManagerResponseError && error.status === 404)
        return new Set();
      throw error;
    }
  }
}
