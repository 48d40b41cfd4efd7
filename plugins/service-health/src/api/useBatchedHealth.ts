import { useApi } from '@backstage/core-plugin-api';
import {
  BatchHealthItem,
  EntityHealth,
} from '@slipway/plugin-service-health-common';
import DataLoader from 'dataloader';
import useAsync from 'react-use/esm/useAsync';
import { ServiceHealthApi, serviceHealthApiRef } from './ServiceHealthClient';

/** How long the batching loader keeps results before asking again, in milliseconds. */
const LOADER_CACHE_MS = 30_000;
/** Most refs in one batch request (the backend accepts 1000). */
const MAX_BATCH = 500;

const loaders = new WeakMap<
  ServiceHealthApi,
  DataLoader<string, BatchHealthItem>
>();

/**
 * A DataLoader per API instance: every `load(ref)` made in the same tick (e.g. by all
 * rows of a catalog table rendering) is sent as ONE `POST /health/batch`. Results are
 * kept for 30 s, then the next render asks again.
 *
 * @public
 */
export function getHealthLoader(
  api: ServiceHealthApi,
): DataLoader<string, BatchHealthItem> {
  let loader = loaders.get(api);
  if (!loader) {
    const created: DataLoader<string, BatchHealthItem> = new DataLoader(
      async refs => {
        setTimeout(() => refs.forEach(r => created.clear(r)), LOADER_CACHE_MS);
        const items = await api.getHealthBatch([...refs]);
        const byRef = new Map(items.map(i => [i.entityRef, i]));
        return refs.map(
          ref =>
            byRef.get(ref) ?? { entityRef: ref, error: 'not in the response' },
        );
      },
      {
        maxBatchSize: MAX_BATCH,
        // Gather the loads of one render pass (rows mount in the same macrotask).
        batchScheduleFn: callback => setTimeout(callback, 10),
      },
    );
    loader = created;
    loaders.set(api, loader);
  }
  return loader;
}

/**
 * The health of one entity, fetched together with every other entity asked for in the
 * same render pass (one batch call). `entityRef` undefined skips loading.
 *
 * @public
 */
export function useBatchedHealth(entityRef: string | undefined): {
  value?: EntityHealth;
  loading: boolean;
  error?: Error;
} {
  const api = useApi(serviceHealthApiRef);
  const { value, loading, error } = useAsync(async () => {
    if (!entityRef) return undefined;
    const item = await getHealthLoader(api).load(entityRef);
    if (!item.health) throw new Error(item.error ?? 'no health');
    return item.health;
  }, [api, entityRef]);
  return { value, loading, error };
}
