import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  PortalDoraResponse,
  PortalDriftResponse,
  PortalInsightsEventsResponse,
} from '@slipway/plugin-release-manager-common';
import { useMemo } from 'react';

/** The feed's ranges, as the backend plugin takes them. */
export type FeedRange = 'since-yesterday' | '24h' | '7d';

/**
 * Client of the release-manager backend plugin's insights routes
 * (`/api/release-manager/insights/...`), with the user's token (`fetchApi`).
 * Every method throws `ResponseError` on an error status.
 */
export class InsightsClient {
  constructor(
    private readonly discoveryApi: {
      getBaseUrl(pluginId: string): Promise<string>;
    },
    private readonly fetchApi: { fetch: typeof fetch },
  ) {}

  /** The feed of `entityRefs` (groups, systems, components) in a range; `zone` is the IANA zone of "since yesterday". */
  events(
    entityRefs: string[],
    range: FeedRange,
    zone: string,
  ): Promise<PortalInsightsEventsResponse> {
    return this.get('events', { entityRef: entityRefs.join(','), range, zone });
  }

  /** What runs where, and what waits for production. */
  drift(entityRefs: string[]): Promise<PortalDriftResponse> {
    return this.get('drift', { entityRef: entityRefs.join(',') });
  }

  /** The four DORA keys over `days` days. */
  dora(entityRefs: string[], days: number): Promise<PortalDoraResponse> {
    return this.get('dora', {
      entityRef: entityRefs.join(','),
      days: String(days),
    });
  }

  private async get<T>(path: string, params: Record<string, string>) {
    const base = await this.discoveryApi.getBaseUrl('release-manager');
    const res = await this.fetchApi.fetch(
      `${base}/insights/${path}?${new URLSearchParams(params)}`,
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}

/** The {@link InsightsClient} over the app's discovery and fetch APIs. */
export function useInsightsClient(): InsightsClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new InsightsClient(discoveryApi, fetchApi),
    [discoveryApi, fetchApi],
  );
}

/** The catalog path of an entity ref (`component:default/ledger` → `/catalog/default/component/ledger`). */
export function entityPath(entityRef: string): string {
  const m = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  if (!m) return '/catalog';
  return `/catalog/${m[2] ?? 'default'}/${m[1].toLocaleLowerCase('en-US')}/${
    m[3]
  }`;
}
