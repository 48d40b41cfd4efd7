/**
 * Kubernetes objects as the API server returns them (shapes of `kubectl get -o
 * json` output of a Deployment rollout, trimmed of managedFields): the
 * `ledger` Deployment in `payments`, its new ReplicaSet, and a pod of a
 * crash-looping release. Functions return fresh copies to mutate.
 */

export const DEPLOYMENT_UID = '7c4b1c62-3f0e-4d55-9a2b-0d9f1d1e2a10';
export const RS_UID = 'b1d6a0c4-5e7f-4a8b-9c0d-1e2f3a4b5c6d';
export const ARTIFACT = 'master-1a2b3c4d5e-6f7a8b9c0d';

export function ledgerDeployment(status: {
  replicas: number;
  updated: number;
  ready: number;
  available: number;
  progressing: { status: 'True' | 'False'; reason: string; message: string };
}) {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'ledger',
      namespace: 'payments',
      uid: DEPLOYMENT_UID,
      generation: 4,
      creationTimestamp: '2026-11-20T09:12:44Z',
      labels: {
        app: 'ledger',
        'app.kubernetes.io/name': 'ledger',
        'app.kubernetes.io/version': ARTIFACT,
      },
      annotations: {
        'deployment.kubernetes.io/revision': '4',
        'lunarway.com/artifact-id': ARTIFACT,
        'lunarway.com/author': 'ada@example.com',
      },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'ledger' } },
      template: {
        metadata: {
          labels: { app: 'ledger', 'app.kubernetes.io/version': ARTIFACT },
          annotations: { 'lunarway.com/artifact-id': ARTIFACT },
        },
        spec: {
          containers: [
            {
              name: 'ledger',
              image: `quay.io/example/ledger:${ARTIFACT}`,
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              readinessProbe: {
                httpGet: { path: '/readyz', port: 8080, scheme: 'HTTP' },
                periodSeconds: 5,
              },
              resources: { limits: { cpu: '500m', memory: '256Mi' } },
            },
          ],
          restartPolicy: 'Always',
        },
      },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      progressDeadlineSeconds: 600,
    },
    status: {
      observedGeneration: 4,
      replicas: status.replicas,
      updatedReplicas: status.updated,
      readyReplicas: status.ready,
      availableReplicas: status.available,
      unavailableReplicas: Math.max(0, 2 - status.available) || undefined,
      conditions: [
        {
          type: 'Available',
          status: status.available >= 2 ? 'True' : 'False',
          lastUpdateTime: '2026-12-02T10:40:01Z',
          lastTransitionTime: '2026-12-02T10:40:01Z',
          reason:
            status.available >= 2
              ? 'MinimumReplicasAvailable'
              : 'MinimumReplicasUnavailable',
          message:
            status.available >= 2
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
        },
        {
          type: 'Progressing',
          status: status.progressing.status,
          lastUpdateTime: '2026-12-02T10:40:03Z',
          lastTransitionTime: '2026-11-20T09:12:44Z',
          reason: status.progressing.reason,
          message: status.progressing.message,
        },
      ],
    },
  };
}

export function ledgerReplicaSet(available: number) {
  return {
    kind: 'ReplicaSet',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'ledger-7d9f8c6b5',
      namespace: 'payments',
      uid: RS_UID,
      generation: 1,
      labels: { app: 'ledger', 'pod-template-hash': '7d9f8c6b5' },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': '2',
        'deployment.kubernetes.io/max-replicas': '3',
        'deployment.kubernetes.io/revision': '4',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: 'ledger',
          uid: DEPLOYMENT_UID,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { replicas: 2, selector: { matchLabels: { app: 'ledger' } } },
    status: {
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: available,
      availableReplicas: available,
      observedGeneration: 1,
    },
  };
}

export function crashingPod(restartCount: number) {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'ledger-7d9f8c6b5-x2k4q',
      generateName: 'ledger-7d9f8c6b5-',
      namespace: 'payments',
      uid: '0f3e2d1c-ba98-4765-8432-10fedcba9876',
      labels: {
        app: 'ledger',
        'app.kubernetes.io/version': ARTIFACT,
        'pod-template-hash': '7d9f8c6b5',
      },
      annotations: { 'lunarway.com/artifact-id': ARTIFACT },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'ledger-7d9f8c6b5',
          uid: RS_UID,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      containers: [
        { name: 'ledger', image: `quay.io/example/ledger:${ARTIFACT}` },
      ],
      restartPolicy: 'Always',
      nodeName: 'worker-2',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
      ],
      podIP: '10.244.2.17',
      startTime: '2026-12-02T10:40:02Z',
      containerStatuses: [
        {
          name: 'ledger',
          ready: false,
          started: false,
          restartCount,
          image: `quay.io/example/ledger:${ARTIFACT}`,
          imageID: 'quay.io/example/ledger@sha256:4f1c0de5',
          containerID: 'containerd://9a8b7c6d5e4f',
          state:
            restartCount >= 2
              ? {
                  waiting: {
                    reason: 'CrashLoopBackOff',
                    message:
                      'back-off 40s restarting failed container=ledger pod=ledger-7d9f8c6b5-x2k4q_payments(0f3e2d1c-ba98-4765-8432-10fedcba9876)',
                  },
                }
              : { running: { startedAt: '2026-12-02T10:40:05Z' } },
          lastState:
            restartCount > 0
              ? {
                  terminated: {
                    exitCode: 3,
                    reason: 'Error',
                    startedAt: '2026-12-02T10:40:20Z',
                    finishedAt: '2026-12-02T10:40:21Z',
                    containerID: 'containerd://1a2b3c4d5e6f',
                  },
                }
              : {},
        },
      ],
    },
  };
}
