import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { mockContext } from '../__testUtils__/mockContext';
import { ReleaseManagerClient, artifactIdFor } from '@slipway/plugin-release-manager-common';
import { startReleaseManager } from '@slipway/release-manager';
import {
  createReleaseManagerService,
  readReleaseManagerConnection,
} from '@slipway/plugin-release-manager-node';
import { createPolicyApplyAction, createReleaseAction } from './releaseManager';

jest.setTimeout(60_000);

const sha = 'a'.repeat(40);

/** Uploads an artifact as CI does (spec + one manifest per environment); returns its id. */
async function uploadAsCi(
  client: ReleaseManagerClient,
  service: string,
  branch = 'main',
): Promise<string> {
  const id = artifactIdFor(branch, sha, 'b'.repeat(40));
  const deployment = (env: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${service}, namespace: payments }\nspec:\n  replicas: ${env === 'prod' ? 3 : 1}\n  template: { spec: { containers: [{ name: ${service}, image: 'localhost/slipway/${service}:${sha}' }] } }\n`;
  await client.createArtifact({
    artifact: {
      id,
      service,
      namespace: 'payments',
      application: {
        branch,
        sha,
        authorName: 'Jane',
        authorEmail: 'jane@example.com',
        committerName: 'Jane',
        committerEmail: 'jane@example.com',
        message: 'Initial commit',
        name: service,
        provider: 'slipway-local-ci',
      },
      stages: [{ id: 'build', data: { image: `localhost/slipway/${service}`, tag: sha } }],
    },
    manifests: Object.fromEntries(
      ['dev', 'staging', 'prod'].map(env => [env, { [`40-${service}.yaml`]: deployment(env) }]),
    ),
  });
  return id;
}
const user = {
  ref: 'user:default/guest',
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest' },
    spec: { profile: { displayName: 'Guest User', email: 'guest@slipway.example' } },
  } as any,
};
describe('release-manager actions against the real release manager', () => {
  const dataDir = createMockDirectory();
  let rm: { url: string; stop(): Promise<void> };
  let config: ConfigReader;
  let options: Parameters<typeof createReleaseAction>[0];
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

  it('applies the policy (releasing the CI-built artifact to dev) and releases it to prod', async () => {
    const artifactId = await uploadAsCi(client, 'fraud-check');
    expect(artifactId).toMatch(/^main-aaaaaaaaaa-bbbbbbbbbb$/);

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

  it('refuses a release to prod from a branch the global restriction forbids', async () => {
    const artifactId = await uploadAsCi(client, 'fraud-check-3', 'feature-x');
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
      createReleaseAction(options).handler(
        mockContext({ input: { service: 'Fraud_Check', artifactId: 'main-x-y' } }),
      ),
    ).rejects.toThrow(/service "Fraud_Check" is not a DNS-1123 label/);
    await expect(
      createPolicyApplyAction(options).handler(
        mockContext({ input: { service: 'ok', environment: 'Prod!' } }),
      ),
    ).rejects.toThrow(/environment "Prod!" is not a DNS-1123 label/);
  });

  it('changes nothing in dry runs', async () => {
    const dry = (input: any) => ({
      ...mockContext({ input, user }),
      isDryRun: true,
    });
    await uploadAsCi(client, 'fraud-check-2');
    await createPolicyApplyAction(options).handler(dry({ service: 'fraud-check-2' }));
    expect((await client.listPolicies('fraud-check-2')).autoReleases).toEqual([]);
    await createReleaseAction(options).handler(
      dry({ service: 'dry-svc', environment: 'prod', artifactId: 'main-x-y' }),
    );
    await expect(client.describeArtifacts('dry-svc')).rejects.toThrow();
  });
});
