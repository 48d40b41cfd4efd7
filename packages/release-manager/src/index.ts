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
/**
 * The release manager's typed HTTP client, defined once in
 * `@slipway/plugin-release-manager-common`; re-exported for callers of this package.
 */
export {
  ReleaseManagerClient,
  ReleaseManagerResponseError,
  ReleaseManagerUnavailableError,
} from '@slipway/plugin-release-manager-common';
export type { ReleaseManagerClientOptions } from '@slipway/plugin-release-manager-common';
export { main as runCli } from './cli';
export * from './http/types';
