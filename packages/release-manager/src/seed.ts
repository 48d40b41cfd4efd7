import { createHash } from 'node:crypto';
import { ReleaseManagerClient } from './client';
import { ArtifactManifests, ArtifactSpec } from './http/types';
import { artifactIdFor } from './names';

/** An example service of the Slipway catalog (`examples/components/<name>.yaml`). */
export interface SeedService {
  name: string;
  /** Owning team. */
  team: string;
  /** Kubernetes namespace (the `slipway.dev/release-manager-namespace` annotation of the example). */
  namespace: string;
  language: string;
  /** Replicas in prod. */
  prodReplicas: number;
}

/** The example services, by team (the catalog's groups). */
export const SEED_SERVICES: SeedService[] = [
  {
    name: 'payment-gateway',
    team: 'payments',
    namespace: 'payments',
    language: 'typescript',
    prodReplicas: 5,
  },
  {
    name: 'ledger',
    team: 'payments',
    namespace: 'payments',
    language: 'go',
    prodReplicas: 3,
  },
  {
    name: 'card-service',
    team: 'payments',
    namespace: 'payments',
    language: 'java',
    prodReplicas: 5,
  },
  {
    name: 'loan-applications',
    team: 'lending',
    namespace: 'lending',
    language: 'kotlin',
    prodReplicas: 3,
  },
  {
    name: 'credit-scoring',
    team: 'lending',
    namespace: 'lending',
    language: 'python',
    prodReplicas: 2,
  },
  {
    name: 'customer-profile',
    team: 'customer-experience',
    namespace: 'customer',
    language: 'typescript',
    prodReplicas: 3,
  },
  {
    name: 'notification-service',
    team: 'customer-experience',
    namespace: 'customer',
    language: 'go',
    prodReplicas: 2,
  },
  {
    name: 'identity-service',
    team: 'platform',
    namespace: 'customer',
    language: 'go',
    prodReplicas: 3,
  },
];

const PEOPLE: Record<string, Array<{ name: string; email: string }>> = {
  payments: [
    { name: 'Amara Okafor', email: 'amara.okafor@slipway.example' },
    { name: 'Lars Jensen', email: 'lars.jensen@slipway.example' },
  ],
  lending: [
    { name: 'Priya Natarajan', email: 'priya.natarajan@slipway.example' },
    { name: 'Tomás García', email: 'tomas.garcia@slipway.example' },
  ],
  'customer-experience': [
    { name: 'Mei Chen', email: 'mei.chen@slipway.example' },
    { name: 'Jonas Weber', email: 'jonas.weber@slipway.example' },
  ],
  platform: [
    { name: 'Sofia Rossi', email: 'sofia.rossi@slipway.example' },
    { name: 'Kwame Mensah', email: 'kwame.mensah@slipway.example' },
  ],
};

const MESSAGES = [
  'Add request tracing to outbound calls',
  'Bump base image to distroless nodejs22',
  'Retry idempotent writes on connection reset',
  'Expose p99 latency histogram buckets',
  'Fix timezone handling in settlement report',
  'Reduce connection pool size per replica',
];

const FEATURES: Record<string, string> = {
  'payment-gateway': 'feature/3ds2-challenge-flow',
  ledger: 'feature/double-entry-audit',
  'card-service': 'feature/virtual-cards',
  'loan-applications': 'feature/open-banking-income-check',
  'credit-scoring': 'feature/model-v7',
  'customer-profile': 'feature/gdpr-export',
  'notification-service': 'feature/push-batching',
  'identity-service': 'feature/passkeys',
};

/** Services that auto-release `main` to `dev`. */
export const SEED_AUTO_RELEASE = [
  'payment-gateway',
  'customer-profile',
  'identity-service',
];
/** The service left mid-rollout in prod (2 of 5 ready). */
export const SEED_PROGRESSING = {
  service: 'card-service',
  environment: 'prod',
};
/** The service left crash-looping in staging. */
export const SEED_CRASHLOOP = {
  service: 'notification-service',
  environment: 'staging',
};

const ENVS = ['dev', 'staging', 'prod'];

function sha(input: string) {
  return createHash('sha1').update(input).digest('hex');
}

function replicas(s: SeedService, env: string) {
  if (env === 'prod') return s.prodReplicas;
  return env === 'staging' ? 2 : 1;
}

/** Realistic Kubernetes manifests of one artifact, per environment. */
export function seedManifests(
  s: SeedService,
  appSha: string,
): ArtifactManifests {
  const out: ArtifactManifests = {};
  for (const env of ENVS) {
    out[env] = {
      '40-deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${s.name}
  namespace: ${s.namespace}
  labels:
    app.kubernetes.io/name: ${s.name}
    app.kubernetes.io/part-of: ${s.team}
spec:
  replicas: ${replicas(s, env)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${s.name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${s.name}
    spec:
      containers:
        - name: ${s.name}
          image: registry.slipway.example/${s.team}/${s.name}:${appSha.slice(
        0,
        10,
      )}
          ports:
            - containerPort: 8080
          env:
            - name: ENVIRONMENT
              value: ${env}
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
`,
      '50-service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: ${s.name}
  namespace: ${s.namespace}
spec:
  selector:
    app.kubernetes.io/name: ${s.name}
  ports:
    - port: 80
      targetPort: 8080
`,
    };
  }
  return out;
}

/** A realistic artifact spec: `n` distinguishes builds; `daysAgo` sets the CI times. */
export function seedArtifact(
  s: SeedService,
  branch: string,
  n: number,
  daysAgo: number,
): ArtifactSpec {
  const appSha = sha(`${s.name}-${branch}-${n}`);
  const planSha = sha(`plan-${s.team}-${n}`);
  const people = PEOPLE[s.team];
  const author = people[n % people.length];
  const committer = people[(n + 1) % people.length];
  const end = new Date(Date.now() - daysAgo * 86_400_000);
  const start = new Date(end.getTime() - (4 + (n % 5)) * 60_000);
  const message =
    branch === 'main'
      ? MESSAGES[n % MESSAGES.length]
      : `WIP: ${branch.replace('feature/', '').replace(/-/g, ' ')}`;
  const runId = 7_000_000 + (parseInt(appSha.slice(0, 6), 16) % 1_000_000);
  return {
    id: artifactIdFor(branch, appSha, planSha),
    service: s.name,
    namespace: s.namespace,
    squad: s.team,
    application: {
      branch,
      sha: appSha,
      authorName: author.name,
      authorEmail: author.email,
      committerName: committer.name,
      committerEmail: committer.email,
      message,
      name: s.name,
      url: `https://github.com/slipway-example/${s.name}`,
      provider: 'github',
    },
    ci: {
      jobUrl: `https://github.com/slipway-example/${s.name}/actions/runs/${runId}`,
      start: start.toISOString(),
      end: end.toISOString(),
    },
    shuttle: {
      plan: {
        sha: planSha,
        name: `${s.language}-service-plan`,
        url: `https://github.com/slipway-example/${s.language}-service-plan`,
        message: 'Pin build image',
      },
      shuttleVersion: '0.24.1',
    },
    stages: [
      {
        id: 'build',
        name: 'Build',
        data: {
          image: `registry.slipway.example/${s.team}/${s.name}`,
          tag: appSha.slice(0, 10),
          dockerVersion: '27.3.1',
        },
      },
      {
        id: 'test',
        name: 'Test',
        data: {
          url: `https://github.com/slipway-example/${s.name}/actions/runs/${runId}#tests`,
          results: { passed: 180 + ((n * 7) % 60), failed: 0, skipped: n % 4 },
        },
      },
      {
        id: 'push',
        name: 'Push',
        data: {
          image: `registry.slipway.example/${s.team}/${s.name}`,
          tag: appSha.slice(0, 10),
          dockerVersion: '27.3.1',
        },
      },
      {
        id: 'snyk-code',
        name: 'Security Scan Code',
        data: {
          snykVersion: '1.1293.1',
          url: `https://app.snyk.io/org/slipway/project/${sha(s.name).slice(
            0,
            8,
          )}`,
          language: s.language,
          vulnerabilities: {
            high: n % 3 === 0 ? 1 : 0,
            medium: (n + 1) % 3,
            low: 2 + (n % 4),
          },
        },
      },
      {
        id: 'snyk-docker',
        name: 'Security Scan Docker',
        data: {
          snykVersion: '1.1293.1',
          url: `https://app.snyk.io/org/slipway/project/${sha(
            `${s.name}-docker`,
          ).slice(0, 8)}`,
          baseImage: 'gcr.io/distroless/base-debian12',
          tag: appSha.slice(0, 10),
          vulnerabilities: { high: 0, medium: n % 2, low: 3 },
        },
      },
    ],
  };
}

/**
 * Seeds a release manager through its API, when it has no services yet:
 * artifacts of every example service on `main` and on a feature branch;
 * several releases into dev, staging and prod (promotions, one rollback);
 * auto-release `main` → `dev` on {@link SEED_AUTO_RELEASE}; healthy rollouts,
 * one service mid-rollout ({@link SEED_PROGRESSING}) and one crash-looping
 * ({@link SEED_CRASHLOOP}) through the daemon webhooks.
 *
 * @returns `{ skipped: true }` when the release manager already had services
 */
export async function seed(
  client: ReleaseManagerClient,
  options: { log?: (msg: string) => void } = {},
): Promise<{ skipped: boolean; releases: number }> {
  const log = options.log ?? (() => {});
  const existing = await client.services();
  if (existing.services.length > 0) return { skipped: true, releases: 0 };
  let releases = 0;
  const envStatus = new Map<string, Record<string, string>>();

  // Services are seeded concurrently (their releases share pushes); each in order.
  await Promise.all(
    SEED_SERVICES.map(async s => {
      const people = PEOPLE[s.team];
      const releaser = (i: number) => ({
        committerName: people[i % 2].name,
        committerEmail: people[i % 2].email,
      });
      const main: ArtifactSpec[] = [];
      for (let n = 1; n <= 4; n++) {
        const a = seedArtifact(s, 'main', n, 8 - n * 2);
        await client.createArtifact({
          artifact: a,
          manifests: seedManifests(s, a.application.sha!),
        });
        main.push(a);
      }
      const feature = seedArtifact(s, FEATURES[s.name], 1, 0.5);
      await client.createArtifact({
        artifact: feature,
        manifests: seedManifests(s, feature.application.sha!),
      });

      const rel = async (
        environment: string,
        body: Partial<Parameters<ReleaseManagerClient['release']>[0]>,
        i: number,
      ) => {
        await client.release({
          service: s.name,
          environment,
          intent: { type: 'ReleaseArtifact' },
          ...releaser(i),
          ...body,
        } as any);
        releases++;
      };
      // History: main builds flow dev → staging → prod.
      for (let i = 0; i < 3; i++) {
        await rel('dev', { artifactId: main[i].id }, i);
        await rel(
          'staging',
          { intent: { type: 'Promote', promote: { fromEnvironment: 'dev' } } },
          i + 1,
        );
        if (i < 2 || s.name !== SEED_PROGRESSING.service) {
          await rel(
            'prod',
            {
              intent: {
                type: 'Promote',
                promote: { fromEnvironment: 'staging' },
              },
            },
            i,
          );
        }
      }
      if (s.name === SEED_PROGRESSING.service) {
        // card-service: the third build is rolling out in prod right now.
        await rel(
          'prod',
          {
            intent: {
              type: 'Promote',
              promote: { fromEnvironment: 'staging' },
            },
          },
          0,
        );
      }
      if (s.name === 'ledger') {
        // ledger: prod was rolled back to the previous build.
        await client.rollback({
          service: s.name,
          environment: 'prod',
          ...releaser(1),
        });
        releases++;
      }
      // Latest main build in dev, then a feature branch build on top for half of the services.
      await rel('dev', { artifactId: main[3].id }, 1);
      if (SEED_SERVICES.indexOf(s) % 2 === 0) {
        await rel(
          'dev',
          {
            intent: {
              type: 'ReleaseBranch',
              releaseBranch: { branch: feature.application.branch },
            },
          },
          0,
        );
      }
      if (SEED_AUTO_RELEASE.includes(s.name)) {
        await client.applyAutoRelease({
          service: s.name,
          branch: 'main',
          environment: 'dev',
          ...releaser(0),
        });
        // A fifth main build arrives and is auto-released to dev.
        const a = seedArtifact(s, 'main', 5, 0.1);
        const res = await client.createArtifact({
          artifact: a,
          manifests: seedManifests(s, a.application.sha!),
        });
        releases += (res.autoReleases ?? []).filter(r => r.commit).length;
      }
      if (s.team === 'payments') {
        await client.applyBranchRestriction({
          service: s.name,
          environment: 'staging',
          branchRegex: '^(main|release/.*)$',
          ...releaser(0),
        });
      }
      const status = await client.status(s.name);
      envStatus.set(
        s.name,
        Object.fromEntries(
          status.environments.filter(e => e.tag).map(e => [e.name, e.tag!]),
        ),
      );
      log(
        `seed: ${s.name}: ${status.environments
          .map(e => `${e.name}=${e.tag ?? '-'}`)
          .join(' ')}`,
      );
    }),
  );

  // Rollout states reported by the daemon.
  for (const s of SEED_SERVICES) {
    const running = envStatus.get(s.name)!;
    for (const env of ENVS) {
      const artifactId = running[env];
      if (!artifactId) continue;
      const desired = replicas(s, env);
      if (
        s.name === SEED_PROGRESSING.service &&
        env === SEED_PROGRESSING.environment
      ) {
        await client.daemonDeploy({
          name: s.name,
          namespace: s.namespace,
          resourceType: 'Deployment',
          availablePods: 2,
          replicas: desired,
          artifactId,
          environment: env,
        });
        continue;
      }
      if (
        s.name === SEED_CRASHLOOP.service &&
        env === SEED_CRASHLOOP.environment
      ) {
        await client.daemonDeploy({
          name: s.name,
          namespace: s.namespace,
          resourceType: 'Deployment',
          availablePods: 0,
          replicas: desired,
          artifactId,
          environment: env,
        });
        await client.daemonPodError({
          podName: `${s.name}-7d9f8c6b5-x2k4q`,
          namespace: s.namespace,
          environment: env,
          artifactId,
          errors: [
            {
              name: s.name,
              type: 'CrashLoopBackOff',
              message:
                'back-off 2m40s restarting failed container=notification-service pod=notification-service-7d9f8c6b5-x2k4q',
              logs: [
                `2026-11-21T08:14:02Z INFO  starting notification-service version=${artifactId}`,
                '2026-11-21T08:14:02Z INFO  connecting to kafka brokers=kafka-0.kafka:9092',
                '2026-11-21T08:14:03Z INFO  loading templates from /etc/notification/templates',
                '2026-11-21T08:14:03Z ERROR config: required variable SMTP_RELAY_HOST is not set',
                '2026-11-21T08:14:03Z FATAL exiting: invalid configuration',
              ],
            },
          ],
        });
        continue;
      }
      await client.daemonDeploy({
        name: s.name,
        namespace: s.namespace,
        resourceType: 'Deployment',
        availablePods: desired,
        replicas: desired,
        artifactId,
        environment: env,
      });
    }
  }
  log(`seed: ${releases} releases for ${SEED_SERVICES.length} services`);
  return { skipped: false, releases };
}
