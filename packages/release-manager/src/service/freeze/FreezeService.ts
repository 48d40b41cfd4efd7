import crypto from 'node:crypto';
import { InputError, NotFoundError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { ConfigRepo } from '../../git/ConfigRepo';
import { Actor, WriteContext } from '../../git/types';
import {
  DeleteFreezeWindowResponse,
  FreezeVerdict,
  FreezeWindow,
  FreezeWindowSpec,
  FreezeWindowState,
  IncidentFreezePolicy,
  ListFreezeWindowsResponse,
  ServiceSignals,
  SetIncidentFreezePolicyResponse,
} from '../../http/types';
import { EventFeed } from '../EventFeed';
import { occurrenceAt } from './schedule';

/** A service's freeze file in the config repo (`freezes/<service>.json`). */
export interface FreezeFile {
  service: string;
  freezeWindows: FreezeWindow[];
  incidentFreeze?: IncidentFreezePolicy;
}

/** The freeze file of a service. */
export function freezeFile(service: string): string {
  return `freezes/${service}.json`;
}

/** A validated `POST /freezes`: a known service, a configured environment, a checked spec. */
export interface AddFreezeInput extends FreezeWindowSpec {
  service: string;
  actor: Actor;
}

/**
 * Freeze windows: times when an environment takes no releases but rollbacks.
 * Global windows come from the server config (`freezeWindows`) and freeze every
 * service; a service's windows and its incident freeze policy live in the config repo
 * (`freezes/<service>.json`), every change a commit and an event (type `freeze`).
 * Windows reaching it are validated ({@link validateFreezeSpec}).
 *
 * Errors: `InputError` (400) for removing a global window, `NotFoundError` (404) for
 * an unknown window id.
 */
export class FreezeService {
  constructor(
    private readonly globals: () => FreezeWindow[],
    private readonly repo: ConfigRepo,
    private readonly events: EventFeed,
    private readonly now: () => number = Date.now,
  ) {}

  /** A service's freeze file, at `head` or in the working tree of a write. */
  async read(service: string, ctx?: WriteContext): Promise<FreezeFile> {
    const rel = freezeFile(service);
    const text = ctx ? await ctx.readFile(rel) : await this.repo.readFile(rel);
    const f = text ? (JSON.parse(text) as Partial<FreezeFile>) : {};
    return {
      service,
      freezeWindows: f.freezeWindows ?? [],
      ...(f.incidentFreeze ? { incidentFreeze: f.incidentFreeze } : {}),
    };
  }

  /** `GET /freezes?service=&environment=`: global and the service's windows with when they apply, and its incident freeze policy. */
  async list(
    service: string,
    environment?: string,
  ): Promise<ListFreezeWindowsResponse> {
    const f = await this.read(service);
    const at = this.now();
    const windows = [...this.globals(), ...f.freezeWindows]
      .filter(w => !environment || w.environment === environment)
      .map(w => stateOf(w, at));
    return {
      service,
      freezeWindows: windows,
      ...(f.incidentFreeze ? { incidentFreeze: f.incidentFreeze } : {}),
    };
  }

  /**
   * The freeze that refuses a release of `service` into `environment` at `at` (default
   * now): the active window ending last, else the incident freeze when the service's
   * policy has one for the environment and `signals` list an open high-urgency
   * incident. Undefined when the environment is open.
   */
  async verdict(
    service: string,
    environment: string,
    signals: ServiceSignals | undefined,
    ctx?: WriteContext,
    at = this.now(),
  ): Promise<FreezeVerdict | undefined> {
    const f = await this.read(service, ctx);
    let best: { window: FreezeWindow; end: number } | undefined;
    for (const w of [...this.globals(), ...f.freezeWindows]) {
      if (w.environment !== environment) continue;
      const o = occurrenceAt(w, at);
      if (o.active && o.occurrence && (!best || o.occurrence.end > best.end)) {
        best = { window: w, end: o.occurrence.end };
      }
    }
    if (best) {
      const until = formatTime(best.end, best.window.timeZone);
      return {
        kind: 'window',
        environment,
        window: best.window,
        until,
        reason: best.window.reason,
        message: `${environment} is frozen until ${until} (${best.window.reason}; freeze window '${best.window.id}')`,
      };
    }
    const policy = f.incidentFreeze;
    if (policy?.enabled && policy.environment === environment) {
      const incident = signals?.incidents.find(i => i.urgency === 'high');
      if (incident) {
        return {
          kind: 'incident',
          environment,
          incident,
          reason: `high-urgency incident open: ${incident.title}`,
          message: `${environment} is frozen until incident '${incident.title}' (${incident.id}) is resolved (incident freeze policy of ${service})`,
        };
      }
    }
    return undefined;
  }

  /** Writes the service's freeze file in a write, and says what to commit. */
  private async change<T>(
    service: string,
    actor: Actor,
    what: string,
    edit: (f: FreezeFile) => T,
  ): Promise<T> {
    const { result } = await this.repo.write(async ctx => {
      const f = await this.read(service, ctx);
      const r = edit(f);
      const rel = freezeFile(service);
      if (!f.freezeWindows.length && !f.incidentFreeze) await ctx.remove(rel);
      else await ctx.writeFile(rel, `${JSON.stringify(f, null, 2)}\n`);
      return {
        result: r,
        commit: {
          author: actor,
          paths: [rel],
          message: `[freezes/${service}] ${what}\n\nService: ${service}\nChanged-By: ${actor.name} <${actor.email}>\n`,
        },
      };
    });
    return result;
  }

  /** `POST /freezes`: adds a window to the service (a commit and a `freeze` event). */
  async add(input: AddFreezeInput): Promise<FreezeWindowState> {
    const { service, actor, ...spec } = input;
    const window: FreezeWindow = {
      id: `freeze-${crypto.randomBytes(4).toString('hex')}`,
      service,
      environment: spec.environment,
      reason: spec.reason,
      ...(spec.from ? { from: spec.from, to: spec.to } : {}),
      ...(spec.rrule
        ? {
            rrule: spec.rrule,
            timeZone: spec.timeZone,
            durationMinutes: spec.durationMinutes,
          }
        : {}),
      createdByName: actor.name,
      createdByEmail: actor.email,
      createdAt: new Date(this.now()).toISOString(),
    };
    const when = describeWhen(window);
    await this.change(
      service,
      actor,
      `add freeze window ${window.id} on ${window.environment}: ${when}`,
      f => {
        f.freezeWindows.push(window);
      },
    );
    await this.events.record({
      type: 'freeze',
      service,
      environment: window.environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} froze ${service} in ${window.environment} ${when} (${window.reason})`,
      data: { action: 'add', window },
    });
    return stateOf(window, this.now());
  }

  /** `DELETE /freezes`: removes a service window (404 unknown id, 400 a global one). */
  async remove(input: {
    service: string;
    id: string;
    actor: Actor;
  }): Promise<DeleteFreezeWindowResponse> {
    const { service, id, actor } = input;
    if (this.globals().some(g => g.id === id)) {
      throw new InputError(
        `freeze window '${id}' is a global window from the server config and cannot be removed`,
      );
    }
    const removed = await this.change(
      service,
      actor,
      `remove freeze window ${id}`,
      f => {
        const w = f.freezeWindows.find(x => x.id === id);
        if (!w) {
          throw new NotFoundError(
            `no freeze window '${id}' exists for service '${service}'`,
          );
        }
        f.freezeWindows = f.freezeWindows.filter(x => x.id !== id);
        return w;
      },
    );
    await this.events.record({
      type: 'freeze',
      service,
      environment: removed.environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} removed freeze window ${id} of ${service} in ${removed.environment} (${removed.reason})`,
      data: { action: 'remove', window: removed },
    });
    return { service, id };
  }

  /** `PUT /freezes/incident-policy`: sets the service's incident freeze policy. */
  async setIncidentPolicy(input: {
    service: string;
    environment: string;
    enabled: boolean;
    actor: Actor;
  }): Promise<SetIncidentFreezePolicyResponse> {
    const { service, environment, enabled, actor } = input;
    const policy: IncidentFreezePolicy = { environment, enabled };
    await this.change(
      service,
      actor,
      `${enabled ? 'enable' : 'disable'} incident freeze of ${environment}`,
      f => {
        if (enabled) f.incidentFreeze = policy;
        else delete f.incidentFreeze;
      },
    );
    await this.events.record({
      type: 'freeze',
      service,
      environment,
      actorName: actor.name,
      actorEmail: actor.email,
      message: `${actor.name} ${
        enabled ? 'enabled' : 'disabled'
      } the incident freeze of ${service} in ${environment}`,
      data: { action: 'incident-policy', policy },
    });
    return { service, incidentFreeze: policy };
  }
}

/** A window with its current or next occurrence. */
export function stateOf(w: FreezeWindow, at: number): FreezeWindowState {
  const o = occurrenceAt(w, at);
  return {
    ...w,
    active: o.active,
    ...(o.occurrence
      ? {
          start: formatTime(o.occurrence.start, w.timeZone),
          end: formatTime(o.occurrence.end, w.timeZone),
        }
      : {}),
  };
}

/** Epoch ms as RFC 3339 in the window's zone (UTC for one-off windows). */
function formatTime(ms: number, zone?: string): string {
  return DateTime.fromMillis(ms, { zone: zone ?? 'utc' }).toISO({
    suppressMilliseconds: true,
  })!;
}

function describeWhen(w: FreezeWindow): string {
  if (w.from) return `from ${w.from} to ${w.to}`;
  return `${w.rrule} (${w.timeZone}) for ${w.durationMinutes} min`;
}
