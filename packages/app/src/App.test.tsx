import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('starts at the guest sign-in page of the embedded default', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Slipway' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    render(<App />);

    // The sign-in page offers the guest provider (auto sign-in fails without a backend).
    expect(await screen.findByText('Guest', {}, { timeout: 20_000 })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /enter/i })).toBeInTheDocument();
  });
});
