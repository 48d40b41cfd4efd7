import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConfigReader } from '@backstage/config';
import {
  configApiRef,
  discoveryApiRef,
  githubAuthApiRef,
} from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { SlipwaySignInPage } from './SignInPage';
import { oidcAuthApiRef } from './oidcAuthApi';

/** An auth API with no session yet that signs `userRef` in on the button. */
function fakeAuthApi(userRef: string) {
  return {
    getBackstageIdentity: jest.fn(async (opts?: { optional?: boolean }) =>
      opts?.optional
        ? undefined
        : {
            token: 'token',
            identity: {
              type: 'user' as const,
              userEntityRef: userRef,
              ownershipEntityRefs: [userRef],
            },
          },
    ),
    getProfile: jest.fn(async () => ({ displayName: userRef })),
    signOut: jest.fn(),
  };
}

const BASE = {
  app: { title: 'Slipway' },
  backend: { baseUrl: 'http://localhost:7007' },
};

async function renderSignIn(data: object) {
  const github = fakeAuthApi('user:default/octocat');
  const oidc = fakeAuthApi('user:default/jane');
  const onSignInSuccess = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, new ConfigReader({ ...BASE, ...data })],
        [discoveryApiRef, mockApis.discovery()],
        [githubAuthApiRef, github],
        [oidcAuthApiRef, oidc],
      ]}
    >
      <SlipwaySignInPage onSignInSuccess={onSignInSuccess} />
    </TestApiProvider>,
  );
  return { github, oidc, onSignInSuccess };
}

describe('SlipwaySignInPage', () => {
  it('offers guest in development', async () => {
    await renderSignIn({
      auth: { providers: { guest: { userEntityRef: 'user:default/guest' } } },
    });
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.queryByText('GitHub')).not.toBeInTheDocument();
  });

  it('offers GitHub in production and signs in as the catalog user the backend resolved', async () => {
    const { github, onSignInSuccess } = await renderSignIn({
      auth: {
        environment: 'production',
        providers: {
          guest: { userEntityRef: 'user:default/guest' },
          github: { production: { clientId: 'gh-client' } },
        },
      },
    });
    expect(await screen.findByText('GitHub')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
    // A first visit: nothing happens until the user picks the provider.
    expect(github.getBackstageIdentity).not.toHaveBeenCalled();
    expect(onSignInSuccess).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: /sign in/i }));
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/octocat',
    );
  });

  it('offers the OIDC issuer in production under its configured title', async () => {
    const { oidc, onSignInSuccess } = await renderSignIn({
      auth: {
        environment: 'production',
        providers: {
          oidc: { production: { clientId: 'portal', signInTitle: 'Keycloak' } },
        },
      },
    });
    expect(await screen.findByText('Keycloak')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /sign in/i }));
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    expect(oidc.getBackstageIdentity).toHaveBeenCalledWith({
      instantPopup: true,
    });
  });

  it('says what to configure when production has no provider', async () => {
    await renderSignIn({ auth: { environment: 'production' } });
    expect(
      await screen.findByText(/No sign-in provider configured/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('auth.providers.github.production'),
    ).toBeInTheDocument();
  });
});
