/**
 * The Slipway GitOps release manager: an HTTP service compatible with Lunar's
 * release-manager API, usable as a library (start it in-process for tests and
 * seeding) and as a CLI (`slipway-release-manager`).
 *
 * @packageDocumentation
 */

export { startReleaseManager, serve } from './server';
export type {
  StartReleaseManagerOptions,
  RunningReleaseManager,
} from './server';
export {
  loadConfig,
  resolveConfig,
  DEV_TOKEN,
  DEFAULT_ENVIRONMENTS,
  DEFAULT_GLOBAL_BRANCH_RESTRICTIONS,
} from './config';
export type {
  ReleaseManagerConfig,
  ReleaseManagerConfigInput,
  DatabaseConfig,
} from './config';
export {
  artifactIdFor,
  isDnsLabel,
  isArtifactId,
} from '@slipway/plugin-release-manager-common/rules';
export { ReleaseManagerClient } from './client';
export { main as runCli } from './cli';
export type { ReleaseManagerClientOptions } from './client';
export * from './http/types';
