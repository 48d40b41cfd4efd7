/**
 * The Slipway example fleet: the example services of `examples/` as real artifacts of
 * one demo workload (Go), released through the release manager to dev, staging and prod,
 * plus a load generator (`slipway-example-fleet`).
 *
 * @packageDocumentation
 */
export { readExampleServices, DEFAULT_EXAMPLES_DIR } from './catalog';
export type { ExampleService, TeamMember } from './catalog';
export { PROFILES, DEFAULT_PROFILE, profileOf } from './profiles';
export type { Behaviour, BadBuild, BadKind, ServiceProfile } from './profiles';
export { buildsOf, artifactSpec, IMAGE_REPOSITORY } from './builds';
export type { Build, ServiceBuilds } from './builds';
export {
  manifestsFor,
  deployment,
  workloadEnv,
  CONTAINER_PORT,
  READINESS_PATH,
} from './manifests';
export { FleetReleaseManager } from './releaseManager';
export type { ReleaseManagerTarget } from './releaseManager';
export { up, currentBuilds, FLEET_ENVIRONMENTS } from './up';
export type { UpOptions, ServiceUpResult } from './up';
export { fleetArtifacts } from './fleet';
export type { FleetArtifact } from './fleet';
export { ensureImages } from './images';
export type { EnsureImagesOptions, EnsureImagesResult } from './images';
export { buildWorkload, workloadSourceHash, WORKLOAD_DIR } from './workload';
export { startLoad } from './load';
export type { LoadOptions, RunningLoad, GroupStats } from './load';
export { readPodTargets } from './targets';
export type { PodTarget } from './targets';
export { main as runCli } from './cli';
