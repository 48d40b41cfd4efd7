import path from 'node:path';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the podman backend on :7300 reporting to localhost:7100', () => {
    const c = loadConfig({
      RELEASE_MANAGER_DAEMON_TOKEN: 't',
      SLIPWAY_DATA: '/data',
    });
    expect(c).toEqual({
      backend: 'podman',
      port: 7300,
      host: '0.0.0.0',
      releaseManagerUrl: 'http://localhost:7100',
      token: 't',
      kubernetes: { namespaces: [] },
      podman: {
        containersConf: path.resolve('/data/podman/containers.conf'),
        progressDeadlineSeconds: 120,
      },
    });
  });

  it('reads the kubernetes settings', () => {
    const c = loadConfig({
      RELEASE_MANAGER_DAEMON_TOKEN: 't',
      RELEASE_DAEMON_BACKEND: 'kubernetes',
      RELEASE_DAEMON_ENVIRONMENT: 'prod',
      RELEASE_DAEMON_NAMESPACES: 'payments, identity,',
      RELEASE_DAEMON_PORT: '0',
      RELEASE_MANAGER_URL: 'http://release-manager.slipway:7100',
    });
    expect(c.kubernetes).toEqual({
      namespaces: ['payments', 'identity'],
      environment: 'prod',
    });
    expect(c.port).toBe(0);
  });

  it.each([
    [{}, /RELEASE_MANAGER_DAEMON_TOKEN is required/],
    [
      { RELEASE_MANAGER_DAEMON_TOKEN: 't', RELEASE_DAEMON_BACKEND: 'docker' },
      /RELEASE_DAEMON_BACKEND must be podman or kubernetes/,
    ],
    [
      { RELEASE_MANAGER_DAEMON_TOKEN: 't', RELEASE_DAEMON_PORT: 'x' },
      /RELEASE_DAEMON_PORT/,
    ],
    [
      { RELEASE_MANAGER_DAEMON_TOKEN: 't', RELEASE_MANAGER_URL: 'nope' },
      /RELEASE_MANAGER_URL must be a URL/,
    ],
    [
      {
        RELEASE_MANAGER_DAEMON_TOKEN: 't',
        RELEASE_DAEMON_BACKEND: 'kubernetes',
      },
      /RELEASE_DAEMON_ENVIRONMENT is required/,
    ],
    [
      {
        RELEASE_MANAGER_DAEMON_TOKEN: 't',
        RELEASE_DAEMON_NAMESPACES: 'Bad_NS',
      },
      /RELEASE_DAEMON_NAMESPACES/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });
});
