import { Entity } from '@backstage/catalog-model';
import {
  EntityHealth,
  HealthLight,
  SignalHealth,
} from '@slipway/plugin-service-health-common';

export const serviceEntity = (name = 'ledger'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
});

export const signal = (
  light: HealthLight,
  value: number | null,
  extra: Partial<SignalHealth> = {},
): SignalHealth => ({
  id: 'error-ratio',
  title: 'Request error ratio',
  query: 'errors{service="ledger"}',
  unit: 'percent',
  direction: 'higher-is-worse',
  amber: 1,
  red: 5,
  light,
  value,
  dashboardUrl: 'https://grafana.example.com/d/svc?var-service=ledger',
  queryUrl: 'http://localhost:9090/graph?g0.expr=x',
  ...extra,
});

export const health = (
  light: HealthLight,
  signals: SignalHealth[],
  extra: Partial<EntityHealth> = {},
): EntityHealth => ({
  entityRef: 'component:default/ledger',
  light,
  summary: `summary ${light}`,
  signals,
  rollout: {
    light: 'grey',
    summary:
      'rollout unknown: serviceHealth.releaseManager.baseUrl is not configured',
  },
  incidents: {
    light: 'grey',
    summary: 'incidents unknown: the on-call plugin is not installed',
  },
  evaluatedAt: new Date().toISOString(),
  ...extra,
});
