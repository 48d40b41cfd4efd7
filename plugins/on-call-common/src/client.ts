import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  EntityOnCall,
  Incident,
  IncidentsBatchResponse,
  TriggerIncidentRequest,
  TriggerIncidentResult,
} from './types';

/**
 * The on-call API as the frontend (or another plugin) sees it; implemented by
 * {@link OnCallClient} over HTTP.
 *
 * @public
 */
export interface OnCallApi {
  /** Who is on call now and next for the entity, every escalation level. */
  getOnCall(entityRef: string | CompoundEntityRef): Promise<EntityOnCall>;
  /** The entity's open (triggered or acknowledged) incidents, newest first. */
  listIncidents(
    entityRef: string | CompoundEntityRef,
  ): Promise<{ items: Incident[] }>;
  /** Triggers an incident for the entity as the signed-in user. */
  triggerIncident(
    entityRef: string | CompoundEntityRef,
    request: TriggerIncidentRequest,
  ): Promise<TriggerIncidentResult>;
  /** Acknowledges an incident (embedded provider). */
  acknowledgeIncident(id: string): Promise<Incident>;
  /** Resolves an incident (embedded provider). */
  resolveIncident(id: string): Promise<Incident>;
}

/**
 * Structural subset of Backstage's DiscoveryApi / DiscoveryService.
 *
 * @public
 */
export interface OnCallClientDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/**
 * Structural subset of Backstage's FetchApi (adds the user's token).
 *
 * @public
 */
export interface OnCallClientFetch {
  fetch: typeof fetch;
}

/**
 * HTTP client of the on-call backend (`/api/on-call`). Every method throws a
 * `ResponseError` (from `@backstage/errors`) carrying the backend's error body when the
 * status is not 2xx.
 *
 * @public
 */
export class OnCallClient implements OnCallApi {
  private readonly discoveryApi: OnCallClientDiscovery;
  private readonly fetchApi: OnCallClientFetch;

  constructor(options: {
    discoveryApi: OnCallClientDiscovery;
    fetchApi: OnCallClientFetch;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getOnCall(entityRef: string | CompoundEntityRef): Promise<EntityOnCall> {
    return this.request(`${entityPath(entityRef)}/on-call`);
  }

  listIncidents(
    entityRef: string | CompoundEntityRef,
  ): Promise<{ items: Incident[] }> {
    return this.request(`${entityPath(entityRef)}/incidents`);
  }

  /**
   * `POST /incidents/batch`: the open incidents of many entities in one request (1 to
   * 500 refs; for other plugins, e.g. service health), each entity read with the
   * caller's credentials. Items in the order asked, each with `items` or `error`.
   */
  listIncidentsOfMany(entityRefs: string[]): Promise<IncidentsBatchResponse> {
    return this.request('/incidents/batch', {
      method: 'POST',
      body: JSON.stringify({ entityRefs }),
    });
  }

  triggerIncident(
    entityRef: string | CompoundEntityRef,
    request: TriggerIncidentRequest,
  ): Promise<TriggerIncidentResult> {
    return this.request(`${entityPath(entityRef)}/incidents`, {
      method: 'POST',
      body: JSON.stringify(request),
    });
  }

  acknowledgeIncident(id: string): Promise<Incident> {
    return this.request(`/incidents/${encodeURIComponent(id)}/acknowledge`, {
      method: 'POST',
    });
  }

  resolveIncident(id: string): Promise<Incident> {
    return this.request(`/incidents/${encodeURIComponent(id)}/resolve`, {
      method: 'POST',
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('on-call');
    const res = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      ...init,
      headers: init?.body ? { 'Content-Type': 'application/json' } : undefined,
    });
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}

function entityPath(entityRef: string | CompoundEntityRef): string {
  const ref =
    typeof entityRef === 'string' ? parseEntityRef(entityRef) : entityRef;
  return `/entities/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
    ref.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(ref.name)}`;
}
