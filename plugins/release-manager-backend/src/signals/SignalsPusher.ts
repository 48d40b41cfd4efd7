import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Incident,
  MAX_INCIDENTS_BATCH_SIZE,
  OnCallClient,
} from '@slipway/plugin-on-call-common';
import {
  getReleaseManagerService,
  IncidentSignal,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  ServiceSignalsRequest,
  SignalLight,
} from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import type { BatchHealthResponse } from '@slipway/plugin-service-health-common';

/** Options of {@link SignalsPusher}. */
export interface SignalsPusherOptions {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  client: Pick<ReleaseManagerService, 'pushSignals'>;
  logger: LoggerService;
  /** Timeout of each request to the service-health and on-call plugins, in ms. Default 20000. */
  timeoutMs?: number;
  /** The fetch implementation (tests); default the global `fetch`. */
  fetch?: typeof fetch;
}

/** The outcome of one {@link SignalsPusher.pushAll}. */
export interface SignalsPushResult {
  /** Services whose signals were pushed. */
  pushed: number;
  /** Services whose push the release manager refused or could not take. */
  failed: number;
  /** Set when nothing was pushed because a source could not be read (signals go stale: gates fail closed). */
  skipped?: string;
}

/** The catalog filter value meaning "the field exists". */
const CATALOG_FILTER_EXISTS = Symbol.for(
  // The same symbol as @backstage/catalog-client's CATALOG_FILTER_EXISTS.
  'CATALOG_FILTER_EXISTS_0e15b590c0b343a2bae3e787e84c2111',
);

const ORDER: SignalLight[] = ['grey', 'green', 'amber', 'red'];
const worst = (a: SignalLight, b: SignalLight) =>
  ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;

/**
 * Pushes what the portal knows about each service's health and incidents to the
 * release manager (`PUT /webhook/signals/{service}`), which gates promotions and
 * freezes prod on them but does not know them itself:
 *
 * 1. the catalog's entities with the `slipway.dev/release-manager-service` annotation;
 * 2. their health lights in batches from the service-health plugin
 *    (`POST /api/service-health/health/batch`) and their open incidents from the
 *    on-call plugin (`POST /api/on-call/incidents/batch`, through `OnCallClient`), with
 *    this plugin's service credentials;
 * 3. one push per release-manager service (entities sharing a service are merged: the
 *    worst light, every incident).
 *
 * When either source cannot be read at all, nothing is pushed: the release manager's
 * signals then go stale and its health and incident gates fail closed ("no health
 * signal for 6 min") rather than pass on made-up data. An entity a source answers with
 * an error gets a grey light (health) or no incidents (no on-call set up for it).
 */
export class SignalsPusher {
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: SignalsPusherOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** A fetch that carries a plugin-to-plugin token for `targetPluginId`. */
  private fetchFor(targetPluginId: string): typeof fetch {
    const { auth } = this.options;
    return async (input, init) => {
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await auth.getOwnServiceCredentials(),
        targetPluginId,
      });
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return this.fetchImpl(input, {
        ...init,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    };
  }

  /** The annotated entities of the catalog. */
  private async entities(): Promise<Entity[]> {
    const { catalog, auth } = this.options;
    const { items } = await catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${RELEASE_MANAGER_SERVICE_ANNOTATION}`]:
            CATALOG_FILTER_EXISTS,
        },
        fields: ['kind', 'metadata', 'spec.owner'],
      },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    return items.filter(e => getReleaseManagerService(e));
  }

  private async health(refs: string[]): Promise<BatchHealthResponse['items']> {
    const base = await this.options.discovery.getBaseUrl('service-health');
    const fetchHealth = this.fetchFor('service-health');
    const items: BatchHealthResponse['items'] = [];
    for (const chunk of chunks(refs, MAX_INCIDENTS_BATCH_SIZE)) {
      const res = await fetchHealth(`${base}/health/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ entityRefs: chunk }),
      });
      if (!res.ok) throw await ResponseError.fromResponse(res);
      items.push(...((await res.json()) as BatchHealthResponse).items);
    }
    return items;
  }

  private async incidents(
    refs: string[],
  ): Promise<Map<string, Incident[] | undefined>> {
    const client = new OnCallClient({
      discoveryApi: this.options.discovery,
      fetchApi: { fetch: this.fetchFor('on-call') },
    });
    const out = new Map<string, Incident[] | undefined>();
    for (const chunk of chunks(refs, MAX_INCIDENTS_BATCH_SIZE)) {
      const { items } = await client.listIncidentsOfMany(chunk);
      for (const item of items) out.set(item.entityRef, item.items);
    }
    return out;
  }

  /** Reads every annotated entity's signals and pushes them, one request per service. */
  async pushAll(
    now: () => Date = () => new Date(),
  ): Promise<SignalsPushResult> {
    const { logger, client } = this.options;
    const entities = await this.entities();
    if (!entities.length) return { pushed: 0, failed: 0 };
    const refs = entities.map(e => stringifyEntityRef(e));
    let health: BatchHealthResponse['items'];
    let incidents: Map<string, Incident[] | undefined>;
    try {
      [health, incidents] = await Promise.all([
        this.health(refs),
        this.incidents(refs),
      ]);
    } catch (error) {
      const skipped = `could not read the portal's signals: ${
        (error as Error)?.message ?? error
      }`;
      logger.warn(`release-manager signals: ${skipped}; nothing pushed`);
      return { pushed: 0, failed: 0, skipped };
    }
    const healthByRef = new Map(health.map(h => [h.entityRef, h]));
    const observedAt = now().toISOString();
    const byService = new Map<string, ServiceSignalsRequest>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      const service = getReleaseManagerService(entity)!;
      const h = healthByRef.get(ref);
      const light: SignalLight = h?.health?.light ?? 'grey';
      const reason = h?.health
        ? h.health.summary
        : `health unknown: ${h?.error ?? 'no answer'}`;
      const open: IncidentSignal[] = (incidents.get(ref) ?? [])
        .filter(i => i.status !== 'resolved')
        .map(i => ({
          id: i.id,
          title: i.title,
          urgency: i.urgency,
          ...(i.url ? { url: i.url } : {}),
          createdAt: i.createdAt,
        }));
      const known = byService.get(service);
      if (!known) {
        byService.set(service, {
          health: { light, reason: `${ref}: ${reason}` },
          incidents: open,
          observedAt,
          source: 'backstage',
        });
        continue;
      }
      const merged = worst(known.health.light, light);
      known.health = {
        light: merged,
        reason:
          merged === known.health.light
            ? known.health.reason
            : `${ref}: ${reason}`,
      };
      const ids = new Set(known.incidents.map(i => i.id));
      known.incidents.push(...open.filter(i => !ids.has(i.id)));
    }
    let pushed = 0;
    let failed = 0;
    for (const [service, signals] of byService) {
      try {
        await client.pushSignals(service, signals);
        pushed++;
      } catch (error) {
        failed++;
        logger.warn(
          `release-manager signals: could not push ${service}: ${
            (error as Error)?.message ?? error
          }`,
        );
      }
    }
    return { pushed, failed };
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
