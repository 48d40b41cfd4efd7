import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  EntityOnCall,
  Incident,
  OnCallLevel,
  OnCallShift,
  PAGERDUTY_INTEGRATION_KEY_ANNOTATION,
  PAGERDUTY_SERVICE_ID_ANNOTATION,
  TriggerIncidentRequest,
  TriggerIncidentResult,
} from '@slipway/plugin-on-call-common';
import { DateTime } from 'luxon';
import { requestJson } from './http';
import { IncidentActor, OnCallProvider } from './types';

/** Options of {@link PagerDutyProvider} (config `onCall.pagerDuty`). */
export interface PagerDutyProviderOptions {
  /** REST API v2 token (`Authorization: Token token=<token>`). */
  token: string;
  /** Default `https://api.pagerduty.com`. */
  apiBaseUrl?: string;
  /** Default `https://events.pagerduty.com`. */
  eventsBaseUrl?: string;
  /** Retries after HTTP 429 (default 2). */
  maxRetries?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock for tests. */
  now?: () => DateTime;
}

/** Subset of a PagerDuty REST API v2 reference object (`{ id, type, summary, html_url }`). */
interface PdReference {
  id: string;
  type?: string;
  summary?: string;
  html_url?: string;
}

interface PdUser extends PdReference {
  name?: string;
  email?: string;
}

/** One entry of `GET /oncalls` (https://developer.pagerduty.com/api-reference/, "List all of the on-calls"). */
interface PdOnCall {
  escalation_policy: PdReference;
  escalation_level: number;
  schedule: PdReference | null;
  user: PdUser;
  start: string | null;
  end: string | null;
}

interface PdIncident {
  id: string;
  incident_number?: number;
  title: string;
  description?: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  html_url?: string;
  created_at: string;
  acknowledgements?: Array<{ at: string; acknowledger: PdReference }>;
}

interface PdService extends PdReference {
  name: string;
  escalation_policy: PdReference;
  integrations?: Array<PdReference & { integration_key?: string }>;
}

const MAX_PAGES = 20;
const PAGE_SIZE = 100;

/**
 * PagerDuty provider: on-call from the service's escalation policy (`GET /services/{id}`,
 * `GET /oncalls`), open incidents (`GET /incidents`) through REST API v2, and triggering
 * through Events API v2 (`POST /v2/enqueue`). Entities map by
 * `pagerduty.com/service-id` (and optionally `pagerduty.com/integration-key`).
 * Acknowledging and resolving happen in PagerDuty itself.
 */
export class PagerDutyProvider implements OnCallProvider {
  readonly id = 'pagerduty' as const;
  private readonly apiBaseUrl: string;
  private readonly eventsBaseUrl: string;
  private readonly now: () => DateTime;

  constructor(private readonly options: PagerDutyProviderOptions) {
    this.apiBaseUrl = (
      options.apiBaseUrl ?? 'https://api.pagerduty.com'
    ).replace(/\/$/, '');
    this.eventsBaseUrl = (
      options.eventsBaseUrl ?? 'https://events.pagerduty.com'
    ).replace(/\/$/, '');
    this.now = options.now ?? (() => DateTime.now());
  }

  async getOnCall(entity: Entity): Promise<EntityOnCall> {
    const service = await this.getService(serviceId(entity));
    const policy = service.escalation_policy;
    const now = this.now().toUTC();
    // On-call entries from now for two weeks: the current ones and the next ones.
    const entries = await this.paginate<PdOnCall>('/oncalls', 'oncalls', [
      ['escalation_policy_ids[]', policy.id],
      ['include[]', 'users'],
      ['since', now.toISO()!],
      ['until', now.plus({ weeks: 2 }).toISO()!],
    ]);
    const byLevel = new Map<number, PdOnCall[]>();
    for (const e of entries) {
      byLevel.set(e.escalation_level, [
        ...(byLevel.get(e.escalation_level) ?? []),
        e,
      ]);
    }
    const levels: OnCallLevel[] = [...byLevel.entries()]
      .sort(([a], [b]) => a - b)
      .map(([level, list]) => {
        const isNow = (e: PdOnCall) =>
          (!e.start || DateTime.fromISO(e.start) <= now) &&
          (!e.end || DateTime.fromISO(e.end) > now);
        const current = list.filter(isNow);
        const later = list
          .filter(e => e.start && DateTime.fromISO(e.start) > now)
          .sort((a, b) => a.start!.localeCompare(b.start!));
        const firstStart = later[0]?.start;
        const currentUsers = new Set(current.map(e => e.user.id));
        const next = later.filter(
          e => e.start === firstStart && !currentUsers.has(e.user.id),
        );
        return {
          level,
          name:
            current[0]?.schedule?.summary ??
            list[0]?.schedule?.summary ??
            undefined,
          now: dedupe(current).map(toShift),
          next: dedupe(next).map(toShift),
        };
      });
    return {
      provider: 'pagerduty',
      schedule: {
        id: policy.id,
        name: policy.summary ?? service.name,
        url: policy.html_url,
      },
      levels,
    };
  }

  async listIncidents(entity: Entity): Promise<Incident[]> {
    const id = serviceId(entity);
    const incidents = await this.paginate<PdIncident>(
      '/incidents',
      'incidents',
      [
        ['service_ids[]', id],
        ['statuses[]', 'triggered'],
        ['statuses[]', 'acknowledged'],
        ['sort_by', 'created_at:desc'],
      ],
    );
    return incidents.map(i => ({
      id: `pagerduty:${i.id}`,
      provider: 'pagerduty',
      title: i.title,
      description:
        i.description && i.description !== i.title ? i.description : undefined,
      status: i.status,
      urgency: i.urgency,
      url: i.html_url,
      entityRef: stringifyEntityRef(entity),
      createdAt: i.created_at,
      acknowledgedBy: i.acknowledgements?.[0]?.acknowledger.summary,
      acknowledgedAt: i.acknowledgements?.[0]?.at,
      canUpdate: false,
    }));
  }

  async triggerIncident(
    entity: Entity,
    request: TriggerIncidentRequest,
    actor: IncidentActor,
  ): Promise<TriggerIncidentResult> {
    const routingKey = await this.routingKey(entity);
    const entityRef = stringifyEntityRef(entity);
    // Events API v2: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
    const { body } = await requestJson<{
      status: string;
      message: string;
      dedup_key: string;
    }>(
      `${this.eventsBaseUrl}/v2/enqueue`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({
          routing_key: routingKey,
          event_action: 'trigger',
          client: 'Slipway',
          payload: {
            summary: request.title.slice(0, 1024),
            source: entityRef,
            severity: request.urgency === 'high' ? 'critical' : 'warning',
            custom_details: {
              description: request.description,
              triggered_by: actor.userEntityRef,
              triggered_by_email: actor.email,
            },
          },
        }),
      },
      {
        provider: 'PagerDuty Events API',
        what: 'routing key',
        maxRetries: this.options.maxRetries,
        sleep: this.options.sleep,
      },
    );
    return {
      incident: {
        id: `pagerduty-event:${body.dedup_key}`,
        provider: 'pagerduty',
        title: request.title,
        description: request.description,
        status: 'triggered',
        urgency: request.urgency,
        entityRef,
        createdAt: this.now().toUTC().toISO()!,
        triggeredBy: actor.userEntityRef,
        canUpdate: false,
      },
      message: `PagerDuty: ${body.message} (dedup key ${body.dedup_key}); the incident appears in the list once PagerDuty has created it.`,
    };
  }

  private async routingKey(entity: Entity): Promise<string> {
    const fromAnnotation =
      entity.metadata.annotations?.[PAGERDUTY_INTEGRATION_KEY_ANNOTATION];
    if (fromAnnotation) return fromAnnotation;
    const service = await this.getService(serviceId(entity), true);
    const integration = service.integrations?.find(
      i => i.type === 'events_api_v2_inbound_integration' && i.integration_key,
    );
    if (!integration) {
      throw new InputError(
        `PagerDuty service ${service.id} has no Events API v2 integration; add one, or set the ${PAGERDUTY_INTEGRATION_KEY_ANNOTATION} annotation`,
      );
    }
    return integration.integration_key!;
  }

  private async getService(
    id: string,
    withIntegrations = false,
  ): Promise<PdService> {
    const query: Array<[string, string]> = withIntegrations
      ? [['include[]', 'integrations']]
      : [];
    const { body } = await this.get<{ service: PdService }>(
      `/services/${encodeURIComponent(id)}`,
      query,
      `service ${id}`,
    );
    return body.service;
  }

  private get<T>(path: string, query: Array<[string, string]>, what: string) {
    const qs = new URLSearchParams(query).toString();
    return requestJson<T>(
      `${this.apiBaseUrl}${path}${qs ? `?${qs}` : ''}`,
      {
        headers: {
          Accept: 'application/vnd.pagerduty+json;version=2',
          Authorization: `Token token=${this.options.token}`,
        },
      },
      {
        provider: 'PagerDuty',
        what,
        maxRetries: this.options.maxRetries,
        sleep: this.options.sleep,
      },
    );
  }

  /** Follows classic `offset`/`limit`/`more` pagination, at most 20 pages. */
  private async paginate<T>(
    path: string,
    key: string,
    query: Array<[string, string]>,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const { body } = await this.get<
        Record<string, unknown> & { more?: boolean }
      >(
        path,
        [...query, ['limit', String(PAGE_SIZE)], ['offset', String(offset)]],
        path.slice(1),
      );
      const list = (body[key] as T[] | undefined) ?? [];
      items.push(...list);
      if (!body.more || list.length === 0) break;
      offset += list.length;
    }
    return items;
  }
}

function serviceId(entity: Entity): string {
  const id = entity.metadata.annotations?.[PAGERDUTY_SERVICE_ID_ANNOTATION];
  if (!id) {
    throw new InputError(
      `${stringifyEntityRef(
        entity,
      )} has no ${PAGERDUTY_SERVICE_ID_ANNOTATION} annotation; on-call and incidents need the PagerDuty service id`,
    );
  }
  return id;
}

function dedupe(list: PdOnCall[]): PdOnCall[] {
  const seen = new Set<string>();
  return list.filter(e =>
    seen.has(e.user.id) ? false : (seen.add(e.user.id), true),
  );
}

function toShift(e: PdOnCall): OnCallShift {
  return {
    person: {
      name: e.user.name ?? e.user.summary ?? e.user.id,
      email: e.user.email,
      url: e.user.html_url,
    },
    start: e.start ?? undefined,
    end: e.end ?? undefined,
  };
}
