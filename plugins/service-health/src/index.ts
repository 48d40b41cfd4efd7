/**
 * Frontend of the Slipway service-health plugin: traffic-light health per service.
 *
 * @packageDocumentation
 */
export {
  serviceHealthPlugin,
  isServiceHealthAvailable,
  EntityServiceHealthCard,
  HomePageServiceHealthCard,
} from './plugin';
export {
  createServiceHealthColumn,
  EntityHealthLight,
  HealthLight,
} from './components';
export {
  serviceHealthApiRef,
  ServiceHealthClient,
  useBatchedHealth,
  getHealthLoader,
} from './api';
export type { ServiceHealthApi } from './api';
