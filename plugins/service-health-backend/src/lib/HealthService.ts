import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityHealth,
  InputHealth,
  SERVICE_HEALTH_DASHBOARD_ANNOTATION,
  SERVICE_HEALTH_SELECTOR_ANNOTATION,
  SignalDefinition,
  SignalHealth,
  isServiceHealthApplicable,
  lightForValue,
  worstLight,
} from '@slipway/plugin-service-health-common';
import { ServiceHealthConfig } from './config';
import { HealthInputProvider } from '../inputs/extensionPoint';
import {
  PrometheusQuerier,
  PrometheusQueryError,
  PrometheusSample,
} from './PrometheusClient';
import { fillTemplate, resolveSignals } from './signals';
import { TtlCache } from './TtlCache';

/** Most entities in one input provider call (the release-manager batch route takes 500). */
const ENTITIES_PER_INPUT_CALL = 500;

/** The two non-metric inputs. */
type InputKind = 'rollout' | 'incidents';

/** What an input says when no module provides it. */
const NOT_CONFIGURED: Record<InputKind, InputHealth> = {
  rollout: {
    light: 'grey',
    summary:
      'rollout unknown: not configured (no rollout input module is installed, e.g. serviceHealthModuleReleaseManagerRollout)',
  },
  incidents: {
    light: 'grey',
    summary:
      'incidents unknown: not configured (no incidents input module is installed, e.g. serviceHealthModuleOnCallIncidents)',
  },
};

/** Cache key part for the caller: inputs are read on its behalf. */
function principalKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? `service:${p.subject ?? 'unknown'}`;
}

/** Most entity names in one batched query (keeps the PromQL text and the regex small). */
const NAMES_PER_BATCH_QUERY = 100;

/** A name as a literal inside a regex in a PromQL double-quoted string (`a.b` → `a\\\\.b`). */
const regexLiteral = (name: string) =>
  name.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');

/**
 * Computes {@link EntityHealth} for entities.
 *
 * Query plan. The unit of caching is the per-entity query: a signal's `query` template
 * filled in for one entity. Identical query texts run once (in-flight deduplication) and
 * are cached for `cacheTtlSeconds`; the Prometheus client bounds the queries in flight
 * (`maxConcurrency`). So one entity costs at most one query per signal per refresh.
 *
 * For many entities at once ({@link HealthService.getHealthOfMany}, the batch route), a
 * signal with a `batchQuery` (all default signals have one) is asked for ALL entities
 * that use the default selector and the signal's default query in one
 * `sum by (service) (...)` query per 100 entities, and the answer is split by its
 * `service` label into the per-entity cache entries. 300 services with the 4 default
 * signals cost 12 queries instead of 1200; entities with their own selector or query
 * fall back to one query per signal. The rollout and incidents inputs come from the
 * providers that modules set through `serviceHealthInputsExtensionPoint`: for many
 * entities ONE provider call per input (per 500 entities), on behalf of the caller, and
 * cached per (caller, entity) for the same TTL.
 */
export class HealthService {
  private readonly queryCache: TtlCache<PrometheusSample[]>;
  private readonly inputCache: TtlCache<InputHealth>;

  constructor(
    private readonly options: {
      config: ServiceHealthConfig;
      prometheus: PrometheusQuerier;
      /** The rollout input; without one it is grey `not configured`. */
      rollout?: HealthInputProvider;
      /** The incidents input; without one it is grey `not configured`. */
      incidents?: HealthInputProvider;
    },
  ) {
    const ttlMs = options.config.cacheTtlSeconds * 1000;
    this.queryCache = new TtlCache({ ttlMs });
    this.inputCache = new TtlCache({ ttlMs });
  }

  /** Health of many entities at once, in the same order; never rejects for one entity's failing input. */
  async getHealthOfMany(
    entities: Entity[],
    credentials: BackstageCredentials,
  ): Promise<EntityHealth[]> {
    this.prefetchBatched(entities);
    for (const kind of ['rollout', 'incidents'] as const) {
      this.prefetchInputs(kind, entities, credentials);
    }
    return Promise.all(entities.map(e => this.getHealth(e, credentials)));
  }

  private inputKey(
    kind: InputKind,
    credentials: BackstageCredentials,
    entityRef: string,
  ) {
    return `${kind}:${principalKey(credentials)}:${entityRef}`;
  }

  /**
   * Fills the input cache of `kind` for every applicable entity not cached yet for this
   * caller, with one provider call per 500 entities. Does not wait.
   */
  private prefetchInputs(
    kind: InputKind,
    entities: Entity[],
    credentials: BackstageCredentials,
  ): void {
    const provider = this.options[kind];
    if (!provider) return;
    const pending = new Map<string, Entity>();
    for (const entity of entities) {
      const ref = stringifyEntityRef(entity);
      if (!isServiceHealthApplicable(entity) || pending.has(ref)) continue;
      if (this.inputCache.peek(this.inputKey(kind, credentials, ref))) continue;
      pending.set(ref, entity);
    }
    const list = [...pending.values()];
    for (let i = 0; i < list.length; i += ENTITIES_PER_INPUT_CALL) {
      const chunk = list.slice(i, i + ENTITIES_PER_INPUT_CALL);
      const answer = provider.getMany(chunk, { credentials });
      answer.catch(() => {}); // handled per entity in input()
      for (const entity of chunk) {
        const ref = stringifyEntityRef(entity);
        this.inputCache.set(
          this.inputKey(kind, credentials, ref),
          answer.then(m => m.get(ref) ?? noAnswer(kind, ref)),
        );
      }
    }
  }

  /**
   * Fills the per-entity query cache for every (entity, signal) pair that a signal's
   * `batchQuery` can answer and that is not cached yet, with one query per signal and
   * 100 entities. Does not wait: `getHealth` awaits the cache entries.
   */
  private prefetchBatched(entities: Entity[]): void {
    const defaults = new Map(this.options.config.signals.map(s => [s.id, s]));
    const groups = new Map<
      string,
      { batchQuery: string; pending: { name: string; key: string }[] }
    >();
    const seen = new Set<string>();
    for (const entity of entities) {
      if (entity.metadata.annotations?.[SERVICE_HEALTH_SELECTOR_ANNOTATION])
        continue;
      for (const signal of resolveSignals(entity, this.options.config.signals)
        .signals) {
        const base = defaults.get(signal.id);
        if (!base?.batchQuery || signal.query !== base.query) continue;
        const key = fillTemplate(signal.query, entity);
        if (seen.has(key) || this.queryCache.peek(key)) continue;
        seen.add(key);
        const group = groups.get(signal.id) ?? {
          batchQuery: base.batchQuery,
          pending: [],
        };
        group.pending.push({ name: entity.metadata.name, key });
        groups.set(signal.id, group);
      }
    }
    for (const { batchQuery, pending } of groups.values()) {
      for (let i = 0; i < pending.length; i += NAMES_PER_BATCH_QUERY) {
        const chunk = pending.slice(i, i + NAMES_PER_BATCH_QUERY);
        const names = chunk.map(p => regexLiteral(p.name)).join('|');
        const query = batchQuery.replace(/\{\{\s*names\s*\}\}/g, names);
        const result = this.options.prometheus.query(query);
        result.catch(() => {}); // handled per entity below
        for (const { name, key } of chunk) {
          this.queryCache.set(
            key,
            result.then(samples =>
              samples.filter(s => s.metric.service === name),
            ),
          );
        }
      }
    }
  }

  /** Health of one entity. Signal errors and unavailable inputs show up as grey/error rows, not as a rejection. */
  async getHealth(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<EntityHealth> {
    const entityRef = stringifyEntityRef(entity);
    const applicable = isServiceHealthApplicable(entity);
    const { signals: definitions, annotationError } = resolveSignals(
      entity,
      this.options.config.signals,
    );
    const notApplicable: InputHealth = {
      light: 'grey',
      summary:
        'not a service: add slipway.dev/health-signals to give it a light',
    };
    const [signals, rollout, incidents] = await Promise.all([
      Promise.all(definitions.map(d => this.evaluateSignal(d, entity))),
      applicable ? this.input('rollout', entity, credentials) : notApplicable,
      applicable ? this.input('incidents', entity, credentials) : notApplicable,
    ]);
    const light = worstLight([
      ...signals.map(s => s.light),
      rollout.light,
      incidents.light,
    ]);
    return {
      entityRef,
      light,
      summary: summarize(light, signals, rollout, incidents, applicable),
      signals,
      rollout,
      incidents,
      dashboardUrl: this.dashboardUrl(
        entity.metadata.annotations?.[SERVICE_HEALTH_DASHBOARD_ANNOTATION],
        entity,
      ),
      ...(annotationError ? { annotationError } : {}),
      evaluatedAt: new Date().toISOString(),
    };
  }

  private input(
    kind: InputKind,
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<InputHealth> {
    const provider = this.options[kind];
    if (!provider) return Promise.resolve(NOT_CONFIGURED[kind]);
    const ref = stringifyEntityRef(entity);
    return this.inputCache
      .get(this.inputKey(kind, credentials, ref), () =>
        provider
          .getMany([entity], { credentials })
          .then(m => m.get(ref) ?? noAnswer(kind, ref)),
      )
      .catch(e => ({
        light: 'grey' as const,
        summary: `${kind} unknown: ${String(e)}`,
      }));
  }

  private dashboardUrl(template: string | undefined, entity: Entity) {
    if (!template) return undefined;
    const filled = fillTemplate(template, entity);
    if (/^https?:\/\//.test(filled)) return filled;
    const base = this.options.config.grafanaBaseUrl;
    if (!base) return undefined;
    return `${base}${filled.startsWith('/') ? '' : '/'}${filled}`;
  }

  private async evaluateSignal(
    definition: SignalDefinition,
    entity: Entity,
  ): Promise<SignalHealth> {
    const query = fillTemplate(definition.query, entity);
    const { externalUrl } = this.options.config.prometheus;
    const base: Omit<SignalHealth, 'light' | 'value'> = {
      id: definition.id,
      title: definition.title,
      query,
      unit: definition.unit,
      direction: definition.direction,
      amber: definition.amber,
      red: definition.red,
      dashboardUrl:
        this.dashboardUrl(definition.dashboard, entity) ??
        this.dashboardUrl(
          entity.metadata.annotations?.[SERVICE_HEALTH_DASHBOARD_ANNOTATION],
          entity,
        ),
      queryUrl: `${externalUrl}/graph?g0.expr=${encodeURIComponent(
        query,
      )}&g0.tab=0`,
    };
    let samples: PrometheusSample[];
    try {
      samples = await this.queryCache.get(query, () =>
        this.options.prometheus.query(query),
      );
    } catch (e) {
      const message = e instanceof PrometheusQueryError ? e.message : String(e);
      return {
        ...base,
        light: 'grey',
        value: null,
        error: message,
        reason: `query failed: ${message}`,
      };
    }
    const finite = samples.filter(s => Number.isFinite(s.value));
    if (samples.length === 0) {
      return {
        ...base,
        light: 'grey',
        value: null,
        reason: 'no data: the query returned no series',
      };
    }
    if (finite.length === 0) {
      return {
        ...base,
        light: 'grey',
        value: null,
        reason: `no data: the query returned ${samples[0].value} (e.g. no traffic to divide by)`,
      };
    }
    const worse = (a: number, b: number) =>
      definition.direction === 'higher-is-worse'
        ? Math.max(a, b)
        : Math.min(a, b);
    const value = finite.map(s => s.value).reduce(worse);
    return {
      ...base,
      light: lightForValue(value, definition),
      value,
      ...(finite.length > 1
        ? { reason: `worst of ${finite.length} series` }
        : {}),
    };
  }
}

function noAnswer(kind: InputKind, entityRef: string): InputHealth {
  return {
    light: 'grey',
    summary: `${kind} unknown: no answer for ${entityRef}`,
  };
}

function summarize(
  light: EntityHealth['light'],
  signals: SignalHealth[],
  rollout: InputHealth,
  incidents: InputHealth,
  applicable: boolean,
): string {
  if (!applicable) return 'no health signals apply to this entity';
  if (light === 'grey') {
    return signals.length === 0
      ? 'no data: no signals, rollout or incidents known'
      : 'no data: no signal has data, and rollout and incidents are unknown';
  }
  const culprits = [
    ...signals.filter(s => s.light === light).map(s => s.title),
    ...(rollout.light === light
      ? [`rollout ${rollout.summary.split(';')[0]}`]
      : []),
    ...(incidents.light === light ? [incidents.summary] : []),
  ];
  if (light === 'green') {
    const known = signals.filter(s => s.light !== 'grey').length;
    const unknown = signals.length - known;
    const parts = [
      ...(known
        ? [`${known} of ${signals.length} signals within thresholds`]
        : []),
      ...(rollout.light === 'green' ? ['rollout succeeded'] : []),
      ...(incidents.light === 'green' ? ['no open incidents'] : []),
    ];
    const caveat = unknown
      ? `; ${unknown} signal${unknown === 1 ? '' : 's'} without data`
      : '';
    return `healthy: ${parts.join(', ')}${caveat}`;
  }
  return `${light === 'red' ? 'red' : 'amber'}: ${culprits.join(', ')}`;
}
