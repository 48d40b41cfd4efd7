/**
 * Alpha API of the service-health backend: the extension point for its rollout and
 * incidents inputs, and the modules that provide them from the release-manager and
 * on-call plugins (one batch request per input for many entities).
 *
 * @packageDocumentation
 */
export {
  serviceHealthInputsExtensionPoint,
  type HealthInputProvider,
  type ServiceHealthInputsExtensionPoint,
} from './inputs/extensionPoint';
export { rolloutHealth, incidentHealth } from './inputs/lights';
export {
  serviceHealthModuleReleaseManagerRollout,
  ReleaseManagerRolloutProvider,
} from './modules/releaseManagerRollout';
export {
  serviceHealthModuleOnCallIncidents,
  OnCallIncidentProvider,
} from './modules/onCallIncidents';
