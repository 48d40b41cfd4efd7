import {
  createBackendPlugin,
  coreServices,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { startReleaseManager } from '@slipway/release-manager';
import { readReleaseManagerConnection } from './config';
import {
  createReleaseManagerService,
  ReleaseManagerService,
} from './ReleaseManagerService';
import { releaseManagerServiceRef } from './serviceRef';

jest.setTimeout(60_000);

describe('releaseManagerServiceRef against the real release manager', () => {
  const dataDir = createMockDirectory();
  let rm: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    rm = await startReleaseManager({
      dataDir: dataDir.path,
      port: 0,
      token: 'test-token',
    });
  });
  afterAll(() => rm?.stop());

  it('gives plugins one client built from the releaseManager config', async () => {
    const seen: ReleaseManagerService[] = [];
    const plugin = (pluginId: string) =>
      createBackendPlugin({
        pluginId,
        register(env) {
          env.registerInit({
            deps: { rm: releaseManagerServiceRef, logger: coreServices.logger },
            async init({ rm: service }) {
              seen.push(service);
            },
          });
        },
      });
    const backend = await startTestBackend({
      features: [
        plugin('one'),
        plugin('two'),
        mockServices.rootConfig.factory({
          data: {
            releaseManager: {
              baseUrl: `${rm.url}/`,
              token: 'test-token',
              environments: ['dev', 'prod'],
            },
          },
        }),
      ],
    });
    try {
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(seen[1]);
      expect(seen[0].connection).toEqual({
        baseUrl: rm.url,
        token: 'test-token',
        environments: ['dev', 'prod'],
        timeoutMs: 10_000,
      });
      await expect(seen[0].listPolicies('no-such-service')).rejects.toThrow(
        expect.objectContaining({ name: 'NotFoundError' }),
      );
    } finally {
      await backend.stop();
    }
  });

  it('maps a refused token and an unreachable server to ServiceUnavailableError', async () => {
    const wrongToken = createReleaseManagerService({
      baseUrl: rm.url,
      token: 'wrong',
      environments: ['dev'],
      timeoutMs: 5000,
    });
    await expect(wrongToken.status('ledger')).rejects.toThrow(
      expect.objectContaining({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/check releaseManager.token/),
      }),
    );
    const down = createReleaseManagerService({
      baseUrl: 'http://127.0.0.1:9',
      environments: ['dev'],
      timeoutMs: 2000,
    });
    await expect(down.status('ledger')).rejects.toThrow(
      expect.objectContaining({
        name: 'ServiceUnavailableError',
        message: expect.stringMatching(/^release manager unavailable: GET /),
      }),
    );
  });

  it('maps a refused request to InputError with the release manager message', async () => {
    const service = createReleaseManagerService({
      baseUrl: rm.url,
      token: 'test-token',
      environments: ['dev'],
      timeoutMs: 5000,
    });
    await expect(
      service.release({
        service: 'Not A Name',
        environment: 'dev',
        artifactId: 'main-1-2',
        committerName: 'Jane',
        committerEmail: 'jane@example.com',
        intent: { type: 'ReleaseArtifact' },
      }),
    ).rejects.toThrow(expect.objectContaining({ name: 'InputError' }));
  });
});

describe('readReleaseManagerConnection', () => {
  it('defaults the environments and the timeout', () => {
    expect(
      readReleaseManagerConnection(
        new ConfigReader({ releaseManager: { baseUrl: 'http://rm:7100//' } }),
      ),
    ).toEqual({
      baseUrl: 'http://rm:7100',
      token: undefined,
      environments: ['dev', 'staging', 'prod'],
      timeoutMs: 10_000,
    });
  });

  it('refuses a missing baseUrl, an empty list and an environment that is not a DNS-1123 label', () => {
    expect(() =>
      readReleaseManagerConnection(new ConfigReader({ releaseManager: {} })),
    ).toThrow(/baseUrl/);
    const withEnvs = (environments: string[]) =>
      new ConfigReader({
        releaseManager: { baseUrl: 'http://rm', environments },
      });
    expect(() => readReleaseManagerConnection(withEnvs([]))).toThrow(
      /must not be empty/,
    );
    expect(() =>
      readReleaseManagerConnection(withEnvs(['dev', 'Prod'])),
    ).toThrow(/"Prod" is not a DNS-1123 label/);
  });
});
