import {
  ServiceSignals,
  ServiceSignalsRequest,
  SignalLight,
} from '../../http/types';
import { EventFeed } from '../EventFeed';
import { SignalStore } from './SignalStore';
import { SignalChange, SignalListener, SignalReading } from './types';

/** Options of {@link SignalService}. */
export interface SignalServiceOptions {
  /** Signals observed longer ago than this are stale (gates fail closed), in milliseconds. */
  staleAfterMs: number;
  /** The clock, epoch milliseconds (tests). */
  now?: () => number;
  logger?: { error(msg: string): void };
}

/**
 * Signals of the services: their health light and open incidents, as the portal
 * observes them and pushes them (`PUT /webhook/signals/{service}`). The release
 * manager knows neither itself; the promotion gates, the incident freeze and
 * automatic rollback read them here.
 *
 * Subscribe with {@link SignalService.onChange}: listeners hear of every change of a
 * service's lights or open incidents (not of pushes that repeat what was known).
 * Changes are also told in the events feed (type `signals`).
 */
export class SignalService {
  private readonly listeners = new Set<SignalListener>();
  /** Pushes of one service run one after the other, so each sees its predecessor. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly now: () => number;

  constructor(
    private readonly store: SignalStore,
    private readonly events: EventFeed,
    private readonly options: SignalServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Subscribes to changes of any service's signals.
   * @returns a function that unsubscribes
   */
  onChange(listener: SignalListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The stored signals of `service` (stale or not); undefined when none were pushed. */
  get(service: string): Promise<ServiceSignals | undefined> {
    return this.store.get(service);
  }

  /**
   * The signals of `service` with their freshness: `problem` says why they cannot be
   * trusted (none pushed, or observed longer ago than the staleness limit).
   */
  async read(service: string): Promise<SignalReading> {
    const signals = await this.store.get(service);
    if (!signals) {
      return { problem: `no health signal received for ${service}` };
    }
    const ageMs = this.now() - Date.parse(signals.observedAt);
    const ageMinutes = Math.max(0, Math.floor(ageMs / 60_000));
    if (ageMs > this.options.staleAfterMs) {
      return {
        signals,
        ageMinutes,
        problem: `no health signal for ${ageMinutes} min (the last one is from ${
          signals.observedAt
        }; signals older than ${Math.round(
          this.options.staleAfterMs / 60_000,
        )} min are stale)`,
      };
    }
    return { signals, ageMinutes };
  }

  /**
   * Stores what was observed about `service`, replacing what was known. A push older
   * than the stored one (by `observedAt`) is ignored and the stored signals returned.
   * When lights or open incidents changed, records a `signals` event and calls the
   * listeners (waiting for them).
   */
  put(service: string, input: ServiceSignalsRequest): Promise<ServiceSignals> {
    const previousRun = this.queues.get(service) ?? Promise.resolve();
    const run = previousRun
      .catch(() => undefined)
      .then(() => this.putNow(service, input));
    this.queues.set(service, run);
    void run.finally(() => {
      if (this.queues.get(service) === run) this.queues.delete(service);
    });
    return run;
  }

  private async putNow(
    service: string,
    input: ServiceSignalsRequest,
  ): Promise<ServiceSignals> {
    const previous = await this.store.get(service);
    if (
      previous &&
      Date.parse(previous.observedAt) > Date.parse(input.observedAt)
    ) {
      return previous;
    }
    const current: ServiceSignals = {
      service,
      health: input.health,
      ...(input.environments ? { environments: input.environments } : {}),
      incidents: input.incidents,
      observedAt: new Date(input.observedAt).toISOString(),
      ...(input.source ? { source: input.source } : {}),
      receivedAt: new Date(this.now()).toISOString(),
    };
    await this.store.put(current);
    if (previous && !changed(previous, current)) return current;
    await this.events.record({
      type: 'signals',
      service,
      message: describeChange(previous, current),
      data: {
        light: current.health.light,
        previousLight: previous?.health.light,
        incidents: current.incidents.map(i => ({
          id: i.id,
          urgency: i.urgency,
          title: i.title,
        })),
      },
    });
    const change: SignalChange = { service, previous, current };
    await Promise.all(
      [...this.listeners].map(async listener => {
        try {
          await listener(change);
        } catch (error) {
          this.options.logger?.error(
            `signal listener failed for ${service}: ${
              (error as Error)?.stack ?? error
            }`,
          );
        }
      }),
    );
    return current;
  }
}

/** The lights of a push, overall and per environment, as comparable text. */
function lights(s: ServiceSignals): string {
  const envs = Object.entries(s.environments ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([env, h]) => `${env}=${h.light}`);
  return [s.health.light, ...envs].join(',');
}

function incidentKeys(s: ServiceSignals): string {
  return s.incidents
    .map(i => `${i.id}:${i.urgency}`)
    .sort()
    .join(',');
}

/** True when the lights or the open incidents differ. */
export function changed(a: ServiceSignals, b: ServiceSignals): boolean {
  return lights(a) !== lights(b) || incidentKeys(a) !== incidentKeys(b);
}

function describeChange(
  previous: ServiceSignals | undefined,
  current: ServiceSignals,
): string {
  const { service } = current;
  const light = (l: SignalLight) => l;
  const parts: string[] = [];
  if (!previous || previous.health.light !== current.health.light) {
    parts.push(
      `health ${previous ? `${light(previous.health.light)} → ` : ''}${light(
        current.health.light,
      )}${current.health.reason ? ` (${current.health.reason})` : ''}`,
    );
  }
  const before = new Set(previous?.incidents.map(i => i.id) ?? []);
  const after = new Set(current.incidents.map(i => i.id));
  const opened = current.incidents.filter(i => !before.has(i.id));
  const resolved = (previous?.incidents ?? []).filter(i => !after.has(i.id));
  for (const i of opened)
    parts.push(`${i.urgency}-urgency incident open: ${i.title}`);
  for (const i of resolved) parts.push(`incident resolved: ${i.title}`);
  if (!parts.length) parts.push('environment lights changed');
  return `${service} signals: ${parts.join('; ')}`;
}
