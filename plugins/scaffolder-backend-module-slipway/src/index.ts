/**
 * Slipway's scaffolder actions for the golden-path template (local git publishing,
 * catalog registration of file locations, Grafana dashboards, release-manager artifacts,
 * policies and releases).
 *
 * @packageDocumentation
 */
export {
  scaffolderModuleSlipway as default,
  catalogModuleSlipwayFileLocations,
} from './module';
export { createNameAvailableAction } from './actions/nameAvailable';
export { createPublishLocalGitAction } from './actions/localGit';
export { createRegisterFileAction } from './actions/registerFile';
export { createGrafanaDashboardAction } from './actions/grafanaDashboard';
export { serviceDashboard } from './actions/dashboard';
export { createPolicyApplyAction, createReleaseAction } from './actions/releaseManager';
export { createWaitForCiAction } from './actions/waitForCi';
export type { WaitForCiActionOptions } from './actions/waitForCi';
export { createPublishTargetAction, publishTarget } from './actions/publishTarget';
export type { PublishTarget } from './actions/publishTarget';
