import { Entity } from '@backstage/catalog-model';
import {
  ArtifactWithLinks,
  EntityArtifacts,
  EntityPolicies,
  EntityReleaseHistory,
  EntityReleaseStatus,
} from '@slipway/plugin-release-manager-common';

/** Base URL of the backend plugin in tests (mockApis.discovery's default). */
export const API =
  'http://example.com/api/release-manager/entities/default/component/ledger';

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger',
    namespace: 'default',
    annotations: {
      'slipway.dev/release-manager-service': 'ledger',
      'slipway.dev/release-manager-namespace': 'payments',
    },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
};

export const entityWithoutAnnotation: Entity = {
  ...entity,
  metadata: { name: 'ledger', namespace: 'default' },
};

const hoursAgo = (h: number) =>
  new Date(Date.now() - h * 3600_000).toISOString();

function artifact(
  n: number,
  branch: string,
  message: string,
): ArtifactWithLinks {
  const sha = `${n}`.repeat(40).slice(0, 40);
  return {
    id: `${branch.replace(/\//g, '-')}-${sha.slice(0, 10)}-abcdef0123`,
    service: 'ledger',
    namespace: 'payments',
    application: {
      branch,
      sha,
      authorName: `Author ${n}`,
      message,
      url: 'https://github.com/acme/ledger',
    },
    ci: { jobUrl: `https://ci.example.com/ledger/${n}`, end: hoursAgo(n) },
    stages: [
      {
        id: 'test',
        data: { results: { passed: 100 + n, failed: 0, skipped: 1 } },
      },
      {
        id: 'snyk-code',
        data: { vulnerabilities: { high: 0, medium: n, low: 2 } },
      },
    ],
    commitUrl: `https://github.com/acme/ledger/commit/${sha}`,
  };
}

// newest first
export const feature = artifact(5, 'feature/faster-posting', 'Batch postings');
export const main4 = artifact(4, 'main', 'Fix rounding of fees');
export const main3 = artifact(3, 'main', 'Add reversal endpoint');
export const main2 = artifact(2, 'main', 'Upgrade driver');
export const main1 = artifact(1, 'main', 'Initial ledger');

export const artifacts: EntityArtifacts = {
  service: 'ledger',
  artifacts: [feature, main4, main3, main2, main1],
};

export const status: EntityReleaseStatus = {
  service: 'ledger',
  namespace: 'payments',
  environments: [
    {
      name: 'dev',
      tag: main3.id,
      branch: 'main',
      sha: main3.application!.sha,
      commitUrl: main3.commitUrl,
      author: 'Author 3',
      message: 'Add reversal endpoint',
      releasedAt: hoursAgo(2),
      releasedByName: 'Jane Doe',
      intent: 'ReleaseArtifact',
      rollout: {
        phase: 'succeeded',
        availableReplicas: 3,
        desiredReplicas: 3,
        errors: [],
      },
    },
    {
      name: 'staging',
      tag: feature.id,
      branch: 'feature/faster-posting',
      sha: feature.application!.sha,
      commitUrl: feature.commitUrl,
      author: 'Author 5',
      message: 'Batch postings',
      releasedAt: hoursAgo(1),
      releasedByName: 'Bob Builder',
      intent: 'ReleaseArtifact',
      rollout: {
        phase: 'failed',
        artifactId: feature.id,
        errors: [
          {
            podName: 'ledger-6c9d-x2x9z',
            container: 'ledger',
            reason: 'CrashLoopBackOff',
            message: 'back-off 40s restarting failed container',
            logs: ['starting ledger', 'panic: LEDGER_DB_URL is not set'],
          },
        ],
      },
    },
    {
      name: 'prod',
      tag: main2.id,
      branch: 'main',
      sha: main2.application!.sha,
      commitUrl: main2.commitUrl,
      author: 'Author 2',
      message: 'Upgrade driver',
      releasedAt: hoursAgo(30),
      releasedByName: 'Jane Doe',
      intent: 'Promote',
      rollout: {
        phase: 'progressing',
        availableReplicas: 1,
        desiredReplicas: 3,
        errors: [],
      },
    },
  ],
};

export const settledStatus: EntityReleaseStatus = {
  ...status,
  environments: status.environments.map(e => ({
    ...e,
    rollout: {
      phase: 'succeeded',
      availableReplicas: 3,
      desiredReplicas: 3,
      errors: [],
    },
  })),
};

export const policies: EntityPolicies = {
  service: 'ledger',
  autoReleases: [
    { id: 'auto-release-main-dev', branch: 'main', environment: 'dev' },
  ],
  branchRestrictions: [
    {
      id: 'global-branch-restriction-prod',
      environment: 'prod',
      branchRegex: '^(main|master)$',
      global: true,
    },
  ],
};

export function history(environment: string): EntityReleaseHistory {
  const byEnv: Record<string, ArtifactWithLinks[]> = {
    dev: [main3, main2, main1],
    staging: [feature, main2],
    prod: [main2, main1],
  };
  return {
    service: 'ledger',
    environment,
    releases: (byEnv[environment] ?? []).map((a, i) => ({
      releaseIndex: i,
      artifact: a,
      releasedAt: hoursAgo(i * 24 + 1),
      releasedByEmail: 'jane@example.com',
      releasedByName: 'Jane Doe',
      intent: 'ReleaseArtifact' as const,
    })),
  };
}
