/**
 * The Slipway release daemon: reports rollouts to the release manager.
 *
 * @packageDocumentation
 */
export * from './core/types';
export * from './core/logger';
export * from './core/ReleaseManagerReporter';
export * from './core/RolloutTracker';
export * from './config';
export * from './daemon';
export * from './http/metrics';
export * from './http/server';
export * from './kubernetes/evaluate';
export * from './kubernetes/KubernetesBackend';
export * from './podman/parse';
export * from './podman/PodmanCli';
export * from './podman/PodmanBackend';
export * from './podman/readiness';
export { main } from './cli';
