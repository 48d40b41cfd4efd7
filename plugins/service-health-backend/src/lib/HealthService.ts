import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityHealth,
  InputHealth,
  SERVICE_HEALTH_DASHBOARD_ANNOTATION,
  SignalDefinition,
  SignalHealth,
  isServiceHealthApplicable,
  lightForValue,
  worstLight,
} from '@slipway/plugin-service-health-common';
import { ServiceHealthConfig } from './config';
import { HealthInputSource } from './inputs';
import {
  PrometheusQuerier,
  PrometheusQueryError,
  PrometheusSample,
} from './PrometheusClient';
import { fillTemplate, resolveSignals } from './signals';
import { TtlCache } from './TtlCache';

/**
 * Computes {@link EntityHealth} for entities.
 *
 * Query plan: each (signal, entity) pair is one PromQL instant query, with the
 * entity's values filled into the signal's template. Identical query texts are run once
 * (in-flight deduplication) and their results cached for `cacheTtlSeconds`, so a batch
 * of N entities with S signals makes at most N x S queries per refresh, and none within
 * the TTL; the Prometheus client bounds the queries in flight (`maxConcurrency`). The
 * rollout and incidents inputs are cached per entity for the same TTL.
 */
export class HealthService {
  private readonly queryCache: TtlCache<PrometheusSample[]>;
  private readonly inputCache: TtlCache<InputHealth>;

  constructor(
    private readonly options: {
      config: ServiceHealthConfig;
      prometheus: PrometheusQuerier;
      rollout: HealthInputSource;
      incidents: HealthInputSource;
    },
  ) {
    const ttlMs = options.config.cacheTtlSeconds * 1000;
    this.queryCache = new TtlCache({ ttlMs });
    this.inputCache = new TtlCache({ ttlMs });
  }

  /** Health of many entities at once, in the same order; never rejects for one entity's failing input. */
  async getHealthOfMany(entities: Entity[]): Promise<EntityHealth[]> {
    return Promise.all(entities.map(e => this.getHealth(e)));
  }

  /** Health of one entity. Signal errors and unavailable inputs show up as grey/error rows, not as a rejection. */
  async getHealth(entity: Entity): Promise<EntityHealth> {
    const entityRef = stringifyEntityRef(entity);
    const applicable = isServiceHealthApplicable(entity);
    const { signals: definitions, annotationError } = resolveSignals(
      entity,
      this.options.config.signals,
    );
    const notApplicable: InputHealth = {
      light: 'grey',
      summary: 'not a service: add slipway.dev/health-signals to give it a light',
    };
    const [signals, rollout, incidents] = await Promise.all([
      Promise.all(definitions.map(d => this.evaluateSignal(d, entity))),
      applicable
        ? this.input('rollout', entityRef, () => this.options.rollout.get(entity))
        : notApplicable,
      applicable
        ? this.input('incidents', entityRef, () => this.options.incidents.get(entity))
        : notApplicable,
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
    kind: string,
    entityRef: string,
    load: () => Promise<InputHealth>,
  ): Promise<InputHealth> {
    return this.inputCache
      .get(`${kind}:${entityRef}`, load)
      .catch(e => ({ light: 'grey' as const, summary: `${kind} unknown: ${String(e)}` }));
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
      queryUrl: `${externalUrl}/graph?g0.expr=${encodeURIComponent(query)}&g0.tab=0`,
    };
    let samples: PrometheusSample[];
    try {
      samples = await this.queryCache.get(query, () =>
        this.options.prometheus.query(query),
      );
    } catch (e) {
      const message =
        e instanceof PrometheusQueryError ? e.message : String(e);
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
      definition.direction === 'higher-is-worse' ? Math.max(a, b) : Math.min(a, b);
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
    ...(rollout.light === light ? [`rollout ${rollout.summary.split(';')[0]}`] : []),
    ...(incidents.light === light ? [incidents.summary] : []),
  ];
  if (light === 'green') {
    const known = signals.filter(s => s.light !== 'grey').length;
    const unknown = signals.length - known;
    const parts = [
      ...(known ? [`${known} of ${signals.length} signals within thresholds`] : []),
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
