/**
 * The Slipway local cluster: an embedded stand-in for Flux's
 * kustomize-controller that runs the config repo's release folders as podman pods.
 *
 * @packageDocumentation
 */
export { main } from './cli';
export { loadConfig, type LocalClusterConfig } from './config';
export { startLocalCluster, type LocalCluster } from './cluster';
export {
  Reconciler,
  type ReconcilerOptions,
  type ReconcileSummary,
  type PodStatus,
  type Logger,
} from './Reconciler';
export { ConfigSource, type ReleaseFolder } from './git/ConfigSource';
export { Podman, writeContainersConf, CONTAINERS_CONF } from './podman/Podman';
export { PortAllocator } from './ports';
export { LABELS, MANAGED_BY, podName, networkName } from './names';
export { fileSdTargets, type FileSdTarget } from './fileSd';
export { fluxEvent, type FluxEvent } from './flux';
export { startServer } from './server';
