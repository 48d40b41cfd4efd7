/**
 * Backend of the Slipway service-health plugin: traffic lights per service from
 * Prometheus signals, rollout state and open incidents.
 *
 * @packageDocumentation
 */
export { serviceHealthPlugin, serviceHealthPlugin as default } from './plugin';
export { DEFAULT_SIGNALS, readServiceHealthConfig } from './lib/config';
export type { ServiceHealthConfig } from './lib/config';
