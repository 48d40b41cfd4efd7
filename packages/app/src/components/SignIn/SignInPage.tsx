import {
  Content,
  Page,
  SignInPage,
  WarningPanel,
} from '@backstage/core-components';
import {
  configApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import { signInProviders } from './providers';

/**
 * The portal's sign-in page: Backstage's SignInPage with the providers the
 * configuration enables (see {@link signInProviders}): guest on the embedded
 * default, GitHub or OIDC in production. Signs in silently when a session exists.
 */
export function SlipwaySignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = signInProviders(config);
  if (providers.length === 0) {
    const authEnv = config.getOptionalString('auth.environment');
    return (
      <Page themeId="home">
        <Content>
          <WarningPanel severity="error" title="No sign-in provider configured">
            Configure <code>{`auth.providers.github.${authEnv}`}</code> or{' '}
            <code>{`auth.providers.oidc.${authEnv}`}</code> (see
            app-config.production.yaml and docs/production.md).
          </WarningPanel>
        </Content>
      </Page>
    );
  }
  return <SignInPage {...props} auto providers={providers} />;
}
