import { ConfigApi, githubAuthApiRef } from '@backstage/core-plugin-api';
import { SignInProviderConfig } from '@backstage/core-components';
import { oidcAuthApiRef } from './oidcAuthApi';

/** One entry of the sign-in page's `providers` prop. */
export type SignInProvider = 'guest' | SignInProviderConfig;

/**
 * The sign-in providers that the configuration enables, in the order the
 * sign-in page shows them.
 *
 * Reads the frontend-visible part of the config (see the app's config.d.ts):
 * - `auth.environment` (default `development`, as the auth backend does);
 * - `auth.providers.github.<authEnv>` → GitHub;
 * - `auth.providers.oidc.<authEnv>` → OpenID Connect (title from `signInTitle`);
 * - `auth.providers.guest` → guest, only in `development` or with
 *   `dangerouslyAllowOutsideDevelopment: true` (the guest backend refuses otherwise).
 *
 * In `development` with nothing configured, guest is offered (a fresh app's default).
 * Outside development the list may be empty: the caller says so instead of
 * offering a provider the backend would refuse.
 */
export function signInProviders(config: ConfigApi): SignInProvider[] {
  const authEnv = config.getOptionalString('auth.environment') ?? 'development';
  const providers = config.getOptionalConfig('auth.providers');
  const forEnv = (id: string) =>
    providers?.getOptionalConfig(id)?.getOptionalConfig(authEnv);
  const result: SignInProvider[] = [];

  if (forEnv('github')) {
    result.push({
      id: 'github-auth-provider',
      title: 'GitHub',
      message: 'Sign in using GitHub',
      apiRef: githubAuthApiRef,
    });
  }
  const oidc = forEnv('oidc');
  if (oidc) {
    result.push({
      id: 'oidc-auth-provider',
      title: oidc.getOptionalString('signInTitle') ?? 'Single sign-on',
      message: "Sign in with your organisation's identity provider (OIDC)",
      apiRef: oidcAuthApiRef,
    });
  }
  const guest = providers?.getOptionalConfig('guest');
  const development = authEnv === 'development';
  const guestAllowed =
    development ||
    guest?.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true;
  if ((guest || (development && result.length === 0)) && guestAllowed) {
    result.push('guest');
  }
  return result;
}
