import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  EntityOnCall,
  Incident,
  OnCallShift,
  OPSGENIE_SCHEDULE_ANNOTATION,
  OPSGENIE_TEAM_ANNOTATION,
  TriggerIncidentRequest,
  TriggerIncidentResult,
} from '@slipway/plugin-on-call-common';
import { DateTime } from 'luxon';
import { requestJson } from './http';
import { IncidentActor, OnCallProvider } from './types';

/** Options of {@link OpsgenieProvider} (config `onCall.opsgenie`). */
export interface OpsgenieProviderOptions {
  /** API key (`Authorization: GenieKey <key>`). */
  apiKey: string;
  /** Default `https://api.opsgenie.com`. */
  apiBaseUrl?: string;
  /** Web UI base for links, e.g. `https://acme.app.opsgenie.com`. */
  webBaseUrl?: string;
  /** Retries after HTTP 429 (default 2). */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => DateTime;
}

/** A period of `GET /v2/schedules/{id}/timeline` (`data.finalTimeline.rotations[].periods[]`). */
interface OgPeriod {
  startDate: string;
  endDate: string;
  type?: string;
  recipient?: { id?: string; type: string; name?: string };
}

interface OgTimeline {
  data: {
    _parent?: { id: string; name: string; enabled?: boolean };
    startDate?: string;
    endDate?: string;
    finalTimeline?: {
      rotations?: Array<{ id: string; name: string; periods?: OgPeriod[] }>;
    };
  };
}

/** An alert of `GET /v2/alerts` (https://docs.opsgenie.com/docs/alert-api#list-alerts). */
interface OgAlert {
  id: string;
  tinyId?: string;
  message: string;
  description?: string;
  status: 'open' | 'closed';
  acknowledged: boolean;
  priority: 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
  createdAt: string;
  owner?: string;
  report?: { ackTime?: number; acknowledgedBy?: string };
}

interface OgList<T> {
  data: T[];
  paging?: { next?: string; first?: string; last?: string };
}

const MAX_PAGES = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Opsgenie provider (REST API v2): who is on call from the schedule's final timeline
 * (overrides included), open alerts as incidents, and creating alerts. Entities map by
 * `opsgenie.com/schedule` (schedule name or id) and optionally `opsgenie.com/team`.
 * Opsgenie schedules have one level here (its escalations are not read).
 */
export class OpsgenieProvider implements OnCallProvider {
  readonly id = 'opsgenie' as const;
  private readonly apiBaseUrl: string;
  private readonly now: () => DateTime;

  constructor(private readonly options: OpsgenieProviderOptions) {
    this.apiBaseUrl = (
      options.apiBaseUrl ?? 'https://api.opsgenie.com'
    ).replace(/\/$/, '');
    this.now = options.now ?? (() => DateTime.now());
  }

  async getOnCall(entity: Entity): Promise<EntityOnCall> {
    const schedule =
      entity.metadata.annotations?.[OPSGENIE_SCHEDULE_ANNOTATION];
    if (!schedule) {
      throw new InputError(
        `${stringifyEntityRef(
          entity,
        )} has no ${OPSGENIE_SCHEDULE_ANNOTATION} annotation; on-call needs the Opsgenie schedule`,
      );
    }
    const now = this.now().toUTC();
    const qs = new URLSearchParams({
      identifierType: UUID.test(schedule) ? 'id' : 'name',
      interval: '2',
      intervalUnit: 'weeks',
      date: now.toISO({ suppressMilliseconds: true })!,
    });
    const { body } = await this.request<OgTimeline>(
      `/v2/schedules/${encodeURIComponent(schedule)}/timeline?${qs}`,
      { method: 'GET' },
      `schedule ${schedule}`,
    );
    const periods = (body.data.finalTimeline?.rotations ?? [])
      .flatMap(r => r.periods ?? [])
      .filter(
        p =>
          p.recipient && p.recipient.type === 'user' && p.type !== 'historical',
      );
    const current = periods.filter(
      p =>
        DateTime.fromISO(p.startDate) <= now &&
        DateTime.fromISO(p.endDate) > now,
    );
    const later = periods
      .filter(p => DateTime.fromISO(p.startDate) > now)
      .sort(
        (a, b) =>
          DateTime.fromISO(a.startDate).toMillis() -
          DateTime.fromISO(b.startDate).toMillis(),
      );
    const currentNames = new Set(current.map(p => p.recipient!.name));
    const firstNext = later.find(p => !currentNames.has(p.recipient!.name));
    const next = firstNext
      ? later.filter(p => p.startDate === firstNext.startDate)
      : [];
    const parent = body.data._parent;
    return {
      provider: 'opsgenie',
      schedule: {
        id: parent?.id ?? schedule,
        name: parent?.name ?? schedule,
        url: this.options.webBaseUrl
          ? `${this.options.webBaseUrl.replace(/\/$/, '')}/schedule/whoIsOnCall`
          : undefined,
      },
      levels: [
        {
          level: 1,
          name: parent?.name,
          now: current.map(toShift),
          next: next.map(toShift),
        },
      ],
    };
  }

  async listIncidents(entity: Entity): Promise<Incident[]> {
    const team = entity.metadata.annotations?.[OPSGENIE_TEAM_ANNOTATION];
    const query = team
      ? `status: open AND teams: "${team.replace(/"/g, '')}"`
      : `status: open AND tag: "service:${entity.metadata.name}"`;
    const alerts: OgAlert[] = [];
    let path: string | undefined = `/v2/alerts?${new URLSearchParams({
      query,
      limit: '100',
      offset: '0',
      sort: 'createdAt',
      order: 'desc',
    })}`;
    for (let page = 0; path && page < MAX_PAGES; page++) {
      const response: { body: OgList<OgAlert> } = await this.request<
        OgList<OgAlert>
      >(path, { method: 'GET' }, 'alerts');
      const body: OgList<OgAlert> = response.body;
      alerts.push(...(body.data ?? []));
      // paging.next is an absolute URL of the next page (absent on the last page)
      // Only follow it on the configured API host: the API key goes with the request.
      const next: string | undefined = body.paging?.next;
      path =
        next &&
        body.data?.length &&
        new URL(next, this.apiBaseUrl).origin ===
          new URL(this.apiBaseUrl).origin
          ? next
          : undefined;
    }
    const web = this.options.webBaseUrl?.replace(/\/$/, '');
    return alerts.map(a => ({
      id: `opsgenie:${a.id}`,
      provider: 'opsgenie',
      title: a.message,
      description: a.description,
      status: a.acknowledged ? 'acknowledged' : 'triggered',
      urgency: a.priority === 'P1' || a.priority === 'P2' ? 'high' : 'low',
      url: web ? `${web}/alert/detail/${a.id}/details` : undefined,
      entityRef: stringifyEntityRef(entity),
      createdAt: a.createdAt,
      acknowledgedBy: a.report?.acknowledgedBy,
      canUpdate: false,
    }));
  }

  async triggerIncident(
    entity: Entity,
    request: TriggerIncidentRequest,
    actor: IncidentActor,
  ): Promise<TriggerIncidentResult> {
    const team = entity.metadata.annotations?.[OPSGENIE_TEAM_ANNOTATION];
    const entityRef = stringifyEntityRef(entity);
    // https://docs.opsgenie.com/docs/alert-api#create-alert: answered with 202 and a
    // requestId; the alert is created asynchronously.
    const { body } = await this.request<{ result: string; requestId: string }>(
      '/v2/alerts',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          message: request.title.slice(0, 130),
          description: request.description,
          priority: request.urgency === 'high' ? 'P1' : 'P3',
          tags: [`service:${entity.metadata.name}`, 'slipway'],
          entity: entityRef,
          source: 'Slipway',
          user: actor.email ?? actor.userEntityRef,
          responders: team ? [{ name: team, type: 'team' }] : undefined,
          details: { triggeredBy: actor.userEntityRef },
        }),
      },
      'alerts',
    );
    return {
      incident: {
        id: `opsgenie-request:${body.requestId}`,
        provider: 'opsgenie',
        title: request.title,
        description: request.description,
        status: 'triggered',
        urgency: request.urgency,
        entityRef,
        createdAt: this.now().toUTC().toISO()!,
        triggeredBy: actor.userEntityRef,
        canUpdate: false,
      },
      message: `Opsgenie: ${body.result} (request ${body.requestId})`,
    };
  }

  private request<T>(pathOrUrl: string, init: RequestInit, what: string) {
    const url = pathOrUrl.startsWith('http')
      ? pathOrUrl
      : `${this.apiBaseUrl}${pathOrUrl}`;
    return requestJson<T>(
      url,
      {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          Authorization: `GenieKey ${this.options.apiKey}`,
        },
      },
      {
        provider: 'Opsgenie',
        what,
        maxRetries: this.options.maxRetries,
        sleep: this.options.sleep,
      },
    );
  }
}

function toShift(p: OgPeriod): OnCallShift {
  const name = p.recipient?.name ?? p.recipient?.id ?? 'unknown';
  return {
    person: { name, email: name.includes('@') ? name : undefined },
    start: p.startDate,
    end: p.endDate,
    override: p.type === 'override' || undefined,
  };
}
