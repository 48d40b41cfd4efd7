import { ResponseError } from '@backstage/errors';
import {
  EntityReleaseStatusBatchRequest,
  EntityReleaseStatusBatchResponse,
} from './releases';

/**
 * Client of the release-manager backend plugin (`/api/release-manager`) for other
 * plugins: the routes made for machines. The frontend has its own `ReleaseManagerApi`.
 *
 * @public
 */
export class ReleaseManagerPluginClient {
  private readonly discoveryApi: {
    getBaseUrl(pluginId: string): Promise<string>;
  };
  private readonly fetchApi: { fetch: typeof fetch };

  /**
   * @param options.discoveryApi - Backstage's DiscoveryApi / DiscoveryService (or the same shape)
   * @param options.fetchApi - a fetch that adds the caller's Backstage token
   */
  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /**
   * `POST /status/batch`: what runs where for many entities in one request, each checked
   * against `release-manager.release.read` for the caller. Items come back in the order
   * asked, each with `status` or `error`.
   *
   * @throws ResponseError (from `@backstage/errors`) on an error status of the whole request
   */
  async getStatusOfMany(
    entityRefs: string[],
  ): Promise<EntityReleaseStatusBatchResponse> {
    const baseUrl = await this.discoveryApi.getBaseUrl('release-manager');
    const body: EntityReleaseStatusBatchRequest = { entityRefs };
    const res = await this.fetchApi.fetch(`${baseUrl}/status/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as EntityReleaseStatusBatchResponse;
  }
}
