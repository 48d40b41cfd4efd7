import { render, screen } from '@testing-library/react';
import App from './App';

// The app reads its config once per module instance, so each mode has its own test
// file (App.test.tsx: the embedded default).
describe('App in production', () => {
  it('starts at the GitHub sign-in page, without guest', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          // The frontend part of app-config.yaml + app-config.production.yaml
          // (src/components/SignIn/providers.test.ts builds it from the real files).
          data: {
            app: { title: 'Slipway' },
            backend: { baseUrl: 'https://portal.example.com' },
            techdocs: {
              storageUrl: 'https://portal.example.com/api/techdocs/static/docs',
            },
            auth: {
              environment: 'production',
              providers: {
                guest: { userEntityRef: 'user:default/guest' },
                github: { production: { clientId: 'gh-client' } },
              },
            },
          },
          context: 'test',
        },
      ] as any,
    };

    render(<App />);

    expect(
      await screen.findByText('GitHub', {}, { timeout: 20_000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('Sign in using GitHub')).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  }, 30_000);
});
