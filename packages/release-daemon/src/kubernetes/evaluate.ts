import type {
  V1ContainerStatus,
  V1Deployment,
  V1Pod,
  V1ReplicaSet,
} from '@kubernetes/client-node';
import {
  ContainerFailure,
  PodFailureObservation,
  WorkloadObservation,
} from '../core/types';

/**
 * Pure functions from Kubernetes objects (apps/v1 Deployment and ReplicaSet,
 * core/v1 Pod, as the API server returns them) to the daemon's observations.
 */

/** Annotations and labels read for the artifact id, first match wins. */
const ARTIFACT_ANNOTATIONS = [
  'slipway.dev/artifact-id',
  'lunarway.com/artifact-id',
];
const ARTIFACT_LABELS = [
  'slipway.dev/artifact-id',
  'app.kubernetes.io/version',
];
const SERVICE_LABELS = ['slipway.dev/service', 'app.kubernetes.io/name', 'app'];
const AUTHOR_ANNOTATIONS = ['slipway.dev/author-email', 'lunarway.com/author'];

/** Container waiting reasons that mean the pod cannot run (kubelet's reasons). */
export const FAILING_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

type Meta = {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
};

function first(
  keys: string[],
  ...maps: Array<Record<string, string> | undefined>
): string | undefined {
  for (const map of maps) {
    for (const k of keys) if (map?.[k]) return map[k];
  }
  return undefined;
}

function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const noDigest = image.split('@')[0];
  const at = noDigest.lastIndexOf(':');
  return at > noDigest.lastIndexOf('/') ? noDigest.slice(at + 1) : undefined;
}

/**
 * What release a set of objects belongs to: artifact id, service and author,
 * from the first object (pod, then its owners) that carries them.
 */
export function releaseInfo(
  objects: Array<Meta | undefined>,
  fallbackName: string,
  image?: string,
): { artifactId?: string; service: string; authorEmail?: string } {
  const ann = objects.map(o => o?.annotations);
  const lab = objects.map(o => o?.labels);
  return {
    artifactId:
      first(ARTIFACT_ANNOTATIONS, ...ann) ??
      first(ARTIFACT_LABELS, ...lab) ??
      imageTag(image),
    service: first(SERVICE_LABELS, ...lab) ?? fallbackName,
    authorEmail: first(AUTHOR_ANNOTATIONS, ...ann),
  };
}

/**
 * The rollout state of a Deployment, following `kubectl rollout status`:
 * complete when the controller observed the latest generation and
 * updatedReplicas = replicas = availableReplicas = spec.replicas; stalled when
 * its `Progressing` condition has reason `ProgressDeadlineExceeded`.
 * `available` counts the new ReplicaSet's available pods when it is known
 * (old pods do not count for a new rollout).
 * @returns undefined when no artifact id can be told
 */
export function deploymentObservation(
  d: V1Deployment,
  environment: string,
  replicaSets: readonly V1ReplicaSet[] = [],
): WorkloadObservation | undefined {
  const name = d.metadata?.name;
  if (!name) return undefined;
  const desired = d.spec?.replicas ?? 1;
  const status = d.status ?? {};
  const revision =
    d.metadata?.annotations?.['deployment.kubernetes.io/revision'] ??
    String(d.metadata?.generation ?? 0);
  const info = releaseInfo(
    [d.spec?.template?.metadata, d.metadata],
    name,
    d.spec?.template?.spec?.containers?.[0]?.image,
  );
  if (!info.artifactId) return undefined;
  const newRs = replicaSets.find(
    rs =>
      rs.metadata?.namespace === d.metadata?.namespace &&
      rs.metadata?.ownerReferences?.some(
        o => o.kind === 'Deployment' && o.uid === d.metadata?.uid,
      ) &&
      rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ===
        revision,
  );
  const updated = status.updatedReplicas ?? 0;
  const observed =
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const progressing = status.conditions?.find(c => c.type === 'Progressing');
  let phase: WorkloadObservation['phase'] = 'progressing';
  let reason: string | undefined;
  let message = progressing?.message;
  // Complete: every pod is of the new revision, so the Deployment's own count
  // is the new one's (its ReplicaSet's status may arrive later on its own watch).
  let available = Math.min(status.availableReplicas ?? 0, updated);
  if (
    observed &&
    updated >= desired &&
    (status.replicas ?? 0) <= desired &&
    (status.availableReplicas ?? 0) >= desired
  ) {
    phase = 'complete';
    available = status.availableReplicas ?? 0;
  } else {
    if (newRs) available = newRs.status?.availableReplicas ?? 0;
    if (observed && progressing?.reason === 'ProgressDeadlineExceeded') {
      phase = 'stalled';
      reason = 'ProgressDeadlineExceeded';
      message = progressing.message ?? `${name} exceeded its progress deadline`;
    }
  }
  return {
    environment,
    namespace: d.metadata?.namespace ?? 'default',
    name,
    service: info.service,
    artifactId: info.artifactId,
    authorEmail: info.authorEmail,
    revision,
    desired,
    available: Math.min(available, desired),
    phase,
    reason,
    message,
  };
}

/** A failing container and whether its logs are those of the previous run. */
export interface FailingContainer {
  failure: Omit<ContainerFailure, 'logs'>;
  /** Read logs with `previous=true` (the crashed run); undefined = no logs (image errors). */
  previousLogs?: boolean;
}

function containerFailure(
  s: V1ContainerStatus,
  restartPolicy: string | undefined,
): FailingContainer | undefined {
  const waiting = s.state?.waiting;
  const last = s.lastState?.terminated;
  if (waiting?.reason && FAILING_WAITING_REASONS.has(waiting.reason)) {
    const crashed = waiting.reason === 'CrashLoopBackOff' || !!last;
    return {
      failure: {
        name: s.name,
        type: waiting.reason,
        reason: last?.reason,
        exitCode: last?.exitCode,
        restartCount: s.restartCount ?? 0,
        message:
          waiting.message ??
          `container ${s.name}: ${waiting.reason}${
            last ? ` (exit code ${last.exitCode})` : ''
          }`,
      },
      previousLogs: crashed ? true : undefined,
    };
  }
  const term = s.state?.terminated;
  if (term && term.exitCode !== 0 && restartPolicy === 'Never') {
    return {
      failure: {
        name: s.name,
        type: 'Error',
        reason: term.reason,
        exitCode: term.exitCode,
        restartCount: s.restartCount ?? 0,
        message:
          term.message ??
          `container ${s.name} exited with code ${term.exitCode}`,
      },
      previousLogs: false,
    };
  }
  return undefined;
}

/**
 * The failing containers of a pod (waiting in CrashLoopBackOff or an image /
 * config error, or terminated non-zero with restartPolicy Never), init
 * containers included.
 */
export function failingContainers(pod: V1Pod): FailingContainer[] {
  const policy = pod.spec?.restartPolicy;
  return [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]
    .map(s => containerFailure(s, policy))
    .filter((f): f is FailingContainer => f !== undefined);
}

/** The pod-level part of a failure report (containers are added with their logs). */
export function podFailureBase(
  pod: V1Pod,
  environment: string,
  owners: Array<Meta | undefined>,
  /** The owning Deployment's name, the service when no label names one. */
  workloadName?: string,
): Omit<PodFailureObservation, 'containers'> | undefined {
  const name = pod.metadata?.name;
  if (!name) return undefined;
  const info = releaseInfo(
    [pod.metadata, ...owners],
    workloadName ?? name,
    pod.spec?.containers?.[0]?.image,
  );
  if (!info.artifactId) return undefined;
  return {
    environment,
    namespace: pod.metadata?.namespace ?? 'default',
    podName: name,
    podUid: pod.metadata?.uid ?? name,
    service: info.service,
    artifactId: info.artifactId,
    authorEmail: info.authorEmail,
  };
}
