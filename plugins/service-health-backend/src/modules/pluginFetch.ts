import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { InputHealth } from '@slipway/plugin-service-health-common';

/**
 * A `fetchApi` for calling the backend plugin `targetPluginId` on behalf of
 * `credentials` (Backstage's plugin-to-plugin token), each request cut off after
 * `timeoutMs` milliseconds.
 */
export function fetchOnBehalfOf(options: {
  auth: AuthService;
  credentials: BackstageCredentials;
  targetPluginId: string;
  timeoutMs: number;
}): { fetch: typeof fetch } {
  const { auth, credentials, targetPluginId, timeoutMs } = options;
  return {
    fetch: async (input, init) => {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId,
      });
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, {
        ...init,
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      });
    },
  };
}

/**
 * Why a whole batch request to `pluginId` failed, in words for a grey light: a 404 of
 * the route means the plugin is not installed; other error answers give their status
 * and message; no answer gives the network error (`timed out`, `ECONNREFUSED`, ...).
 */
export function describeBatchFailure(pluginId: string, error: unknown): string {
  if (error instanceof ResponseError) {
    if (error.statusCode === 404)
      return `the ${pluginId} plugin is not installed`;
    return `${pluginId} answered HTTP ${error.statusCode}: ${error.body.error.message}`;
  }
  const e = error as Error & { cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return `${pluginId} plugin timed out`;
  }
  return `${pluginId} plugin unreachable (${
    e?.cause?.code ?? e?.message ?? String(error)
  })`;
}

/**
 * Runs one batch request for `entities` and turns its items into lights: an item
 * `toHealth` can read gives its light, an item with an error is grey with the error's
 * message, and a failed request makes every entity grey with
 * {@link describeBatchFailure}. `kind` starts each grey summary (`rollout unknown: ...`).
 */
export async function lightsFromBatch<
  TItem extends { entityRef: string; error?: { message: string } },
>(options: {
  entities: Entity[];
  kind: 'rollout' | 'incidents';
  pluginId: string;
  request: (entityRefs: string[]) => Promise<{ items: TItem[] }>;
  toHealth: (item: TItem) => InputHealth | undefined;
}): Promise<Map<string, InputHealth>> {
  const { kind, pluginId } = options;
  const refs = options.entities.map(e => stringifyEntityRef(e));
  const result = new Map<string, InputHealth>();
  let items: TItem[];
  try {
    ({ items } = await options.request(refs));
  } catch (error) {
    const summary = `${kind} unknown: ${describeBatchFailure(pluginId, error)}`;
    for (const ref of refs) result.set(ref, { light: 'grey', summary });
    return result;
  }
  for (const item of items) {
    result.set(
      item.entityRef,
      options.toHealth(item) ?? {
        light: 'grey',
        summary: `${kind} unknown: ${item.error?.message ?? 'no answer'}`,
      },
    );
  }
  return result;
}
