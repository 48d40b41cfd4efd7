import { registerMswTestHooks } from '@backstage/test-utils';
import { configure, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import {
  API,
  entity,
  entityWithoutAnnotation,
  main3,
  settledStatus,
  status,
} from '../__testUtils__/fixtures';
import { renderWithEntity } from '../__testUtils__/render';
import { EntityReleaseStatusCard } from './EntityReleaseStatusCard';

// the tables are heavy to render on a busy 2-core machine
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });

const server = setupServer();
registerMswTestHooks(server);

describe('EntityReleaseStatusCard', () => {
  it('shows the missing-annotation state without the annotation', async () => {
    await renderWithEntity(<EntityReleaseStatusCard />, {
      entity: entityWithoutAnnotation,
    });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/slipway.dev\/release-manager-service/).length,
    ).toBeGreaterThan(0);
  });

  it('shows progress while loading', async () => {
    server.use(
      http.get(`${API}/status`, async () => {
        await delay('infinite');
        return HttpResponse.json(status);
      }),
    );
    await renderWithEntity(<EntityReleaseStatusCard />, { entity });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the release manager is down', async () => {
    server.use(
      http.get(`${API}/status`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: 'release manager unavailable: ECONNREFUSED',
            },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    await renderWithEntity(<EntityReleaseStatusCard />, { entity });
    expect(
      (await screen.findAllByText(/release manager unavailable: ECONNREFUSED/))
        .length,
    ).toBeGreaterThan(0);
  });

  it('shows one row per environment in order with commit link, who, and the rollout light', async () => {
    server.use(http.get(`${API}/status`, () => HttpResponse.json(status)));
    await renderWithEntity(<EntityReleaseStatusCard />, { entity });
    expect(await screen.findByText(main3.id)).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map(r => r.querySelector('strong')?.textContent)).toEqual([
      'dev',
      'staging',
      'prod',
    ]);
    const link = screen.getByRole('link', {
      name: new RegExp(main3.application!.sha!.slice(0, 7)),
    });
    expect(link).toHaveAttribute('href', main3.commitUrl);
    expect(screen.getByText('ready 3/3')).toBeInTheDocument();
    expect(screen.getByText('failed: CrashLoopBackOff')).toBeInTheDocument();
    expect(screen.getByText('progressing 1/3')).toBeInTheDocument();
    expect(screen.getAllByText(/released by Jane Doe/).length).toBe(2);
    expect(screen.getByText(/2 hours ago/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /All releases/ })).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger/releases',
    );
  });

  it('shows the reason of a failed apply (a Flux error event, no pod ran)', async () => {
    const failedApply = {
      ...status,
      environments: status.environments.map((e: any, i: number) =>
        i === 0
          ? {
              ...e,
              rollout: {
                phase: 'failed',
                errors: [],
                fluxMessage:
                  'ReconciliationFailed: image localhost/x:1 not found locally',
              },
            }
          : e,
      ),
    };
    server.use(http.get(`${API}/status`, () => HttpResponse.json(failedApply)));
    await renderWithEntity(<EntityReleaseStatusCard />, { entity });
    expect(
      await screen.findByText('failed: ReconciliationFailed'),
    ).toBeInTheDocument();
  });

  it('shows nothing released for an empty environment', async () => {
    server.use(
      http.get(`${API}/status`, () =>
        HttpResponse.json({
          service: 'ledger',
          environments: [
            { name: 'dev' },
            { name: 'staging' },
            { name: 'prod' },
          ],
        }),
      ),
    );
    await renderWithEntity(<EntityReleaseStatusCard />, { entity });
    expect(await screen.findAllByText('nothing released')).toHaveLength(3);
  });

  it('refreshes itself while a rollout is progressing, and stops when it settles', async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/status`, () => {
        calls += 1;
        return HttpResponse.json(calls === 1 ? status : settledStatus);
      }),
    );
    await renderWithEntity(<EntityReleaseStatusCard />, { entity });
    expect(await screen.findByText('progressing 1/3')).toBeInTheDocument();
    await waitFor(
      () => expect(screen.queryByText('progressing 1/3')).toBeNull(),
      {
        timeout: 8000,
      },
    );
    expect(calls).toBe(2);
    await new Promise(r => setTimeout(r, 5500));
    expect(calls).toBe(2);
  }, 20_000);
});
