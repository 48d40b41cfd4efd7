import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  Incident,
  MAX_INCIDENTS_BATCH_SIZE,
  OnCallClient,
} from '@slipway/plugin-on-call-common';

/** An incident of an entity in the scope. */
export interface ScopedIncident extends Incident {
  /** The release-manager service of the entity. */
  service: string;
}

/**
 * The open incidents of the scope's entities, from the on-call plugin's
 * `POST /api/on-call/incidents/batch` (through `OnCallClient`), asked on behalf of
 * the caller so that the on-call plugin's own checks apply. That route answers open
 * (triggered or acknowledged) incidents only: resolved ones are not available to
 * other plugins yet.
 *
 * @returns the incidents, and a warning (instead of throwing) when on-call cannot be read
 */
export async function openIncidents(options: {
  entityServices: Map<string, string>;
  credentials: BackstageCredentials;
  auth: AuthService;
  discovery: DiscoveryService;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<{ incidents: ScopedIncident[]; warning?: string }> {
  const refs = [...options.entityServices.keys()];
  if (!refs.length) return { incidents: [] };
  const fetchImpl = options.fetch ?? fetch;
  const client = new OnCallClient({
    discoveryApi: options.discovery,
    fetchApi: {
      fetch: async (input, init) => {
        const { token } = await options.auth.getPluginRequestToken({
          onBehalfOf: options.credentials,
          targetPluginId: 'on-call',
        });
        const headers = new Headers(init?.headers);
        headers.set('authorization', `Bearer ${token}`);
        return fetchImpl(input, {
          ...init,
          headers,
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      },
    },
  });
  try {
    const incidents: ScopedIncident[] = [];
    for (let i = 0; i < refs.length; i += MAX_INCIDENTS_BATCH_SIZE) {
      const { items } = await client.listIncidentsOfMany(
        refs.slice(i, i + MAX_INCIDENTS_BATCH_SIZE),
      );
      for (const item of items) {
        const service = options.entityServices.get(item.entityRef);
        if (!service) continue;
        for (const incident of item.items ?? [])
          incidents.push({ ...incident, service });
      }
    }
    return { incidents };
  } catch (error) {
    return {
      incidents: [],
      warning: `incidents could not be read from the on-call plugin: ${
        (error as Error)?.message ?? error
      }`,
    };
  }
}
