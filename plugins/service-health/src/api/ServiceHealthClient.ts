import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BatchHealthItem,
  BatchHealthResponse,
  EntityHealth,
} from '@slipway/plugin-service-health-common';

/**
 * Reads service health from the service-health backend (`/api/service-health`).
 *
 * @public
 */
export interface ServiceHealthApi {
  /** Health of one entity (`GET /health/:namespace/:kind/:name`). Rejects with a ResponseError (404 when the entity is unknown). */
  getHealth(entityRef: CompoundEntityRef): Promise<EntityHealth>;
  /**
   * Health of many entities in one call (`POST /health/batch`), items in the order of
   * `entityRefs` (strings like `component:default/ledger`); unknown entities come back
   * with `error`. Rejects with a ResponseError on a bad status.
   */
  getHealthBatch(entityRefs: string[]): Promise<BatchHealthItem[]>;
}

/**
 * The {@link ServiceHealthApi} reference.
 *
 * @public
 */
export const serviceHealthApiRef = createApiRef<ServiceHealthApi>({
  id: 'plugin.service-health.service',
});

/**
 * {@link ServiceHealthApi} over HTTP, through `discoveryApi` and `fetchApi` (which adds
 * the user's token).
 *
 * @public
 */
export class ServiceHealthClient implements ServiceHealthApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getHealth(entityRef: CompoundEntityRef): Promise<EntityHealth> {
    const { namespace, kind, name } = entityRef;
    return this.request<EntityHealth>(
      `/health/${encodeURIComponent(namespace)}/${encodeURIComponent(
        kind.toLocaleLowerCase('en-US'),
      )}/${encodeURIComponent(name)}`,
    );
  }

  async getHealthBatch(entityRefs: string[]): Promise<BatchHealthItem[]> {
    if (entityRefs.length === 0) return [];
    const body = await this.request<BatchHealthResponse>('/health/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityRefs }),
    });
    return body.items;
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl(
      'service-health',
    );
    const res = await this.options.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
