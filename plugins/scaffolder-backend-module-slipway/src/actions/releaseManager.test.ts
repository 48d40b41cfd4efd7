import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import path from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { mockContext } from '../__testUtils__/mockContext';
import { ReleaseManagerClient } from '@slipway/plugin-release-manager-common';
import { startReleaseManager } from '@slipway/release-manager';
import {
  createReleaseManagerService,
  readReleaseManagerConnection,
} from '@slipway/plugin-release-manager-node';
import {
  createArtifactAction,
  createPolicyApplyAction,
  createReleaseAction,
} from './releaseManager';

jest.setTimeout(60_000);

const deploy = {
  'deploy/base/kustomization.yaml': 'resources: [deployment.yaml, service.yaml]\n',
  'deploy/base/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: fraud-check }\nspec:\n  replicas: 1\n  template: { spec: { containers: [{ name: fraud-check, image: x }] } }\n',
  'deploy/base/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: fraud-check }\n',
  ...Object.fromEntries(
    ['dev', 'staging', 'prod'].flatMap(env => [
      [
        `deploy/overlays/${env}/kustomization.yaml`,
        `namespace: payments\nresources: [../../base]\npatches: [{ path: replicas.yaml }]\nlabels: [{ pairs: { environment: ${env} } }]\n`,
      ],
      [
        `deploy/overlays/${env}/replicas.yaml`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: fraud-check }\nspec: { replicas: ${env === 'prod' ? 3 : 1} }\n`,
      ],
    ]),
  ),
};

const user = {
  ref: 'user:default/guest',
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest' },
    spec: { profile: { displayName: 'Guest User', email: 'guest@slipway.example' } },
  } as any,
};
const sha = 'a'.repeat(40);

describe('release-manager actions against the real release manager', () => {
  const dataDir = createMockDirectory();
  const workspace = createMockDirectory();
  let rm: { url: string; stop(): Promise<void> };
  let config: ConfigReader;
  let options: Parameters<typeof createArtifactAction>[0];
  let client: ReleaseManagerClient;

  beforeAll(async () => {
    rm = await startReleaseManager({ dataDir: dataDir.path, port: 0, token: 'test-token' });
    config = new ConfigReader({ releaseManager: { baseUrl: rm.url, token: 'test-token' } });
    options = {
      config,
      releaseManager: createReleaseManagerService(readReleaseManagerConnection(config)),
    };
    client = new ReleaseManagerClient({ baseUrl: rm.url, token: 'test-token' });
  });
  afterAll(() => rm?.stop());
  beforeEach(() => workspace.setContent(deploy));

  it('uploads the artifact, applies the policy (releasing it to dev) and releases it to prod', async () => {
    const artifactCtx = mockContext({
      input: { service: 'fraud-check', namespace: 'payments', squad: 'payments', sha },
      workspacePath: workspace.path,
      user,
    });
    await createArtifactAction(options).handler(artifactCtx);
    const artifactId = (artifactCtx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'artifactId',
    )![1];
    expect(artifactId).toMatch(/^main-aaaaaaaaaa-[0-9a-f]{10}$/);
    expect(artifactCtx.output).toHaveBeenCalledWith('autoReleasedTo', []);

    const policyCtx = mockContext({ input: { service: 'fraud-check' }, user });
    await createPolicyApplyAction(options).handler(policyCtx);
    const policies = await client.listPolicies('fraud-check');
    expect(policies.autoReleases).toEqual([
      expect.objectContaining({ branch: 'main', environment: 'dev' }),
    ]);

    expect(policyCtx.output).toHaveBeenCalledWith('releasedArtifactId', artifactId);
    expect((await client.status('fraud-check')).environments.find(e => e.name === 'dev')!.tag).toBe(
      artifactId,
    );

    const releaseCtx = mockContext({
      input: { service: 'fraud-check', environment: 'prod', artifactId },
      user,
    });
    await createReleaseAction(options).handler(releaseCtx);
    const status = await client.status('fraud-check');
    const prod = status.environments.find(e => e.name === 'prod')!;
    expect(prod.tag).toBe(artifactId);
    expect(prod.releasedByEmail).toBe('guest@slipway.example');
    const releases = await client.describeReleases('fraud-check', 'prod', 1);
    expect(releases.releases[0].artifact.namespace).toBe('payments');
    expect(releaseCtx.output).toHaveBeenCalledWith(
      'releaseUrl',
      '/catalog/default/component/fraud-check/releases',
    );
  });

  it('renders the prod overlay (namespace, patch, labels) into the artifact', async () => {
    const ctx = mockContext({
      input: { service: 'fraud-check-2', namespace: 'payments', sha },
      workspacePath: workspace.path,
      user,
    });
    await createArtifactAction(options).handler(ctx);
    const artifacts = await client.describeArtifacts('fraud-check-2');
    expect(artifacts.artifacts).toHaveLength(1);
    expect(artifacts.artifacts[0].application.authorName).toBe('Guest User');
  });

  it('refuses a release to prod from a branch the global restriction forbids', async () => {
    const ctx = mockContext({
      input: { service: 'fraud-check-3', namespace: 'payments', sha, branch: 'feature-x' },
      workspacePath: workspace.path,
      user,
    });
    await createArtifactAction(options).handler(ctx);
    const artifactId = (ctx.output as jest.Mock).mock.calls.find(c => c[0] === 'artifactId')![1];
    await expect(
      createReleaseAction(options).handler(
        mockContext({
          input: { service: 'fraud-check-3', environment: 'prod', artifactId },
          user,
        }),
      ),
    ).rejects.toThrow(/restrict|branch/i);
  });

  it('refuses bad input before calling the release manager', async () => {
    await expect(
      createArtifactAction(options).handler(
        mockContext({
          input: { service: 'Fraud_Check', namespace: 'payments', sha },
          workspacePath: workspace.path,
        }),
      ),
    ).rejects.toThrow(/service "Fraud_Check" is not a DNS-1123 label/);
    await expect(
      createPolicyApplyAction(options).handler(
        mockContext({ input: { service: 'ok', environment: 'Prod!' } }),
      ),
    ).rejects.toThrow(/environment "Prod!" is not a DNS-1123 label/);
  });

  it('refuses a deployPath in a sibling folder such as <workspace>-evil', async () => {
    const evil = `${workspace.path}-evil`;
    fs.mkdirSync(path.join(evil, 'base'), { recursive: true });
    try {
      await expect(
        createArtifactAction(options).handler(
          mockContext({
            input: {
              service: 'evil-svc',
              namespace: 'payments',
              sha,
              deployPath: `../${path.basename(evil)}`,
            },
            workspacePath: workspace.path,
            user,
          }),
        ),
      ).rejects.toThrow(/^deployPath ".*-evil" must stay inside /);
      await expect(client.describeArtifacts('evil-svc')).rejects.toThrow();
    } finally {
      fs.rmSync(evil, { recursive: true, force: true });
    }
  });

  it('changes nothing in dry runs', async () => {
    const dry = (input: any) => ({
      ...mockContext({ input, workspacePath: workspace.path, user }),
      isDryRun: true,
    });
    await createPolicyApplyAction(options).handler(dry({ service: 'fraud-check-2' }));
    expect((await client.listPolicies('fraud-check-2')).autoReleases).toEqual([]);
    await createArtifactAction(options).handler(
      dry({ service: 'dry-svc', namespace: 'payments', sha }),
    );
    await createReleaseAction(options).handler(
      dry({ service: 'dry-svc', environment: 'prod', artifactId: 'main-x-y' }),
    );
    await expect(client.describeArtifacts('dry-svc')).rejects.toThrow();
  });
});
