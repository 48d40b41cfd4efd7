/**
 * @jest-environment node
 */
import { loadFrontendConfig } from './__testUtils__/frontendConfig';
import { signInProviders } from './providers';

/** What the sign-in page shows: provider titles ('guest' for guest). */
function titles(providers: ReturnType<typeof signInProviders>) {
  return providers.map(p => (p === 'guest' ? 'guest' : p.title));
}

const PRODUCTION_ENV = {
  PORTAL_BASE_URL: 'https://portal.example.com',
  BACKEND_SECRET: 'backend-secret-value',
  AUTH_GITHUB_CLIENT_ID: 'gh-client-id',
  AUTH_GITHUB_CLIENT_SECRET: 'gh-client-secret-value',
  AUTH_OIDC_CLIENT_SECRET: 'oidc-client-secret-value',
};

/** The OIDC block that app-config.production.yaml shows commented out. */
const OIDC = {
  auth: {
    providers: {
      oidc: {
        production: {
          metadataUrl:
            'https://keycloak.example.com/realms/acme/.well-known/openid-configuration',
          clientId: 'portal',
          clientSecret: 'oidc-client-secret-value',
          signInTitle: 'Keycloak',
          signIn: {
            resolvers: [{ resolver: 'emailMatchingUserEntityProfileEmail' }],
          },
        },
      },
    },
  },
};

describe('signInProviders over the frontend config built from the app-config files', () => {
  jest.setTimeout(120_000);

  it('offers guest on the embedded default (app-config.yaml)', async () => {
    const { frontend } = await loadFrontendConfig({
      files: ['app-config.yaml'],
    });
    expect(titles(signInProviders(frontend))).toEqual(['guest']);
  });

  it('offers GitHub and not guest in production, and keeps the secrets on the backend', async () => {
    const { frontend, frontendJson } = await loadFrontendConfig({
      files: ['app-config.yaml', 'app-config.production.yaml'],
      env: PRODUCTION_ENV,
    });
    expect(frontend.getString('auth.environment')).toBe('production');
    expect(titles(signInProviders(frontend))).toEqual(['GitHub']);
    expect(frontendJson).toContain('gh-client-id');
    expect(frontendJson).not.toContain('gh-client-secret-value');
    expect(frontendJson).not.toContain('backend-secret-value');
  });

  it('offers the OIDC issuer under its configured title, beside GitHub', async () => {
    const { frontend, frontendJson } = await loadFrontendConfig({
      files: ['app-config.yaml', 'app-config.production.yaml'],
      env: PRODUCTION_ENV,
      extra: OIDC,
    });
    expect(titles(signInProviders(frontend))).toEqual(['GitHub', 'Keycloak']);
    expect(frontendJson).not.toContain('oidc-client-secret-value');
  });

  it('offers guest outside development only when explicitly allowed', async () => {
    const { frontend } = await loadFrontendConfig({
      files: ['app-config.yaml', 'app-config.production.yaml'],
      env: PRODUCTION_ENV,
      extra: {
        auth: {
          providers: { guest: { dangerouslyAllowOutsideDevelopment: true } },
        },
      },
    });
    expect(titles(signInProviders(frontend))).toEqual(['GitHub', 'guest']);
  });

  it('offers nothing in production when no provider is configured for its environment', async () => {
    const { frontend } = await loadFrontendConfig({
      files: ['app-config.yaml'],
      extra: {
        auth: {
          environment: 'production',
          providers: { github: { development: { clientId: 'dev-app' } } },
        },
      },
    });
    expect(signInProviders(frontend)).toEqual([]);
  });
});
