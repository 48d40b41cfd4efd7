import { registerMswTestHooks } from '@backstage/test-utils';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  API,
  artifacts,
  entity,
  entityWithoutAnnotation,
  feature,
  history,
  main2,
  main3,
  main4,
  policies,
  settledStatus,
} from '../__testUtils__/fixtures';
import { renderWithEntity } from '../__testUtils__/render';
import { EntityReleaseManagerContent } from './EntityReleaseManagerContent';

// the tables are heavy to render on a busy 2-core machine
jest.setTimeout(60_000);
configure({ asyncUtilTimeout: 15_000 });

const server = setupServer();
registerMswTestHooks(server);

/** Serves the fixtures; returns the list of write requests the UI made. */
function serve(overrides: { artifacts?: unknown; status?: unknown } = {}) {
  const writes: Array<{ method: string; path: string; body: any }> = [];
  let statusCalls = 0;
  server.use(
    http.get(`${API}/status`, () => {
      statusCalls += 1;
      return HttpResponse.json(overrides.status ?? settledStatus);
    }),
    http.get(`${API}/artifacts`, () =>
      HttpResponse.json(overrides.artifacts ?? artifacts),
    ),
    http.get(`${API}/policies`, () => HttpResponse.json(policies)),
    http.get(`${API}/freezes`, () =>
      HttpResponse.json({ service: 'ledger', freezeWindows: [] }),
    ),
    http.get(`${API}/gates`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      return HttpResponse.json({
        service: 'ledger',
        environment: q.get('environment'),
        intent: q.get('intent'),
        settings: {
          rolloutReady: false,
          health: false,
          incidents: false,
          soakMinutes: 0,
        },
        gates: [],
        allowed: true,
      });
    }),
    http.get(`${API}/releases/:env`, ({ params }) =>
      HttpResponse.json(history(params.env as string)),
    ),
    http.all(`${API}/*`, async ({ request }) => {
      if (request.method === 'GET') return undefined;
      const path = new URL(request.url).pathname.replace(
        '/api/release-manager/entities/default/component/ledger',
        '',
      );
      const text = await request.text();
      writes.push({
        method: request.method,
        path,
        body: text ? JSON.parse(text) : undefined,
      });
      return HttpResponse.json({ releaseId: 'x', service: 'ledger' });
    }),
  );
  return { writes, statusCalls: () => statusCalls };
}

const deployButton = (artifactId: string, env: string) =>
  screen.getByRole('button', { name: `Deploy ${artifactId} to ${env}` });

describe('EntityReleaseManagerContent', () => {
  it('shows the missing-annotation state without the annotation', async () => {
    await renderWithEntity(<EntityReleaseManagerContent />, {
      entity: entityWithoutAnnotation,
    });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('shows the error when loading fails', async () => {
    server.use(
      http.get(`${API}/*`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ServiceUnavailableError',
              message: 'release manager unavailable: timeout',
            },
            response: { statusCode: 503 },
          },
          { status: 503 },
        ),
      ),
    );
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    expect(
      (await screen.findAllByText(/release manager unavailable: timeout/))
        .length,
    ).toBeGreaterThan(0);
  });

  it('shows environments, failing pods with their logs, artifacts, history and policies', async () => {
    const { status } = await import('../__testUtils__/fixtures');
    serve({ status });
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    expect(await screen.findByText('Latest artifacts')).toBeInTheDocument();
    // rollout details
    expect(
      screen.getByText(`staging: ${feature.id} is failing`),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('last log lines of ledger')).toHaveTextContent(
      'panic: LEDGER_DB_URL is not set',
    );
    // artifacts with tests, vulnerabilities, CI link
    expect(screen.getByText('104 passed')).toBeInTheDocument();
    expect(screen.getByText('0 high · 4 medium · 2 low')).toBeInTheDocument();
    // history of dev (first tab)
    expect(
      screen.getAllByRole('button', { name: 'Roll back to this' }),
    ).toHaveLength(2);
    // policies
    expect(screen.getByText('main → dev')).toBeInTheDocument();
    expect(screen.getByText('global')).toBeInTheDocument();
  });

  it('shows the empty state when there are no artifacts', async () => {
    serve({ artifacts: { service: 'ledger', artifacts: [] } });
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    expect(await screen.findByText('No artifacts yet')).toBeInTheDocument();
  });

  it('deploys an artifact to dev through the confirmation dialog and reloads', async () => {
    const { writes, statusCalls } = serve();
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    const before = statusCalls();

    await waitFor(() => expect(deployButton(main4.id, 'dev')).toBeEnabled());
    await userEvent.click(deployButton(main4.id, 'dev'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('heading', { name: 'Deploy to dev' }),
    ).toBeInTheDocument();
    expect(within(dialog).getByText(main3.id)).toBeInTheDocument(); // from
    expect(within(dialog).getByText(main4.id)).toBeInTheDocument(); // to
    expect(
      within(dialog).getByText(/Commits this brings \(1\)/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getAllByText(/Fix rounding of fees/).length,
    ).toBeGreaterThan(0);
    expect(within(dialog).queryByText(/production/)).toBeNull();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Deploy to dev' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes).toEqual([
      {
        method: 'POST',
        path: '/release',
        body: { environment: 'dev', artifactId: main4.id },
      },
    ]);
    await waitFor(() => expect(statusCalls()).toBeGreaterThan(before));
  });

  it('warns before a production release and lists the commits it brings', async () => {
    serve();
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    await waitFor(() => expect(deployButton(main4.id, 'prod')).toBeEnabled());
    await userEvent.click(deployButton(main4.id, 'prod'));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('This changes what runs in production.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/Commits this brings \(2\)/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/Add reversal endpoint/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('disables Deploy for a branch the restriction refuses, with the reason', async () => {
    serve();
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    expect(deployButton(feature.id, 'prod')).toBeDisabled();
    await userEvent.hover(deployButton(feature.id, 'prod').parentElement!);
    expect(
      await screen.findByText(
        /Branch restriction global-branch-restriction-prod: prod only accepts branches matching/,
      ),
    ).toBeInTheDocument();
    // the same artifact may go to dev
    expect(deployButton(feature.id, 'dev')).toBeEnabled();
  });

  it('shows in the dialog, before clicking, that a promotion will be refused', async () => {
    const { status } = await import('../__testUtils__/fixtures');
    // staging runs the feature branch; nothing is progressing (no refresh mid-click)
    const { writes } = serve({
      status: {
        ...status,
        environments: status.environments.map(e => ({
          ...e,
          rollout: { phase: 'succeeded', errors: [] },
        })),
      },
    });
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    // staging runs the feature branch; promoting it to prod is refused
    const promote = () =>
      screen.getByRole('button', { name: 'Promote from staging' });
    await waitFor(() => expect(promote()).toBeEnabled());
    await userEvent.click(promote());
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/will refuse/)).toHaveTextContent(
      'global-branch-restriction-prod',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Promote to prod' }),
    ).toBeDisabled();
    expect(writes).toEqual([]);
  });

  it('rolls back to a chosen release and shows the release manager error when it fails', async () => {
    serve();
    server.use(
      http.post(`${API}/rollback`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'config repo is busy, try again',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    const second = () =>
      screen.getAllByRole('button', { name: 'Roll back to this' })[1]; // dev: main1
    await waitFor(() => expect(second()).toBeEnabled());
    await userEvent.click(second());
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText(/Commits this takes out/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Roll back to dev' }),
    );
    expect(
      await within(dialog).findByText('config repo is busy, try again'),
    ).toBeInTheDocument();
  });

  it('disables every release and policy control for a non-owner, with the reason', async () => {
    const { writes } = serve();
    await renderWithEntity(<EntityReleaseManagerContent />, {
      entity,
      allowed: false,
    });
    await screen.findByText('Latest artifacts');
    await waitFor(() => expect(deployButton(main4.id, 'dev')).toBeDisabled());
    await userEvent.hover(deployButton(main4.id, 'dev').parentElement!);
    expect(
      await screen.findByText('Only the owners of this service may release it'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Add auto-release' }),
    ).toBeDisabled();
    expect(
      screen.getByRole('button', {
        name: 'Delete policy auto-release-main-dev',
      }),
    ).toBeDisabled();
    expect(
      screen.getAllByRole('button', { name: 'Roll back' })[0],
    ).toBeDisabled();
    expect(writes).toEqual([]);
  });

  it('lets an owner add an auto-release policy and delete one', async () => {
    const { writes } = serve();
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    const add = () => screen.getByRole('button', { name: 'Add auto-release' });
    await waitFor(() => expect(add()).toBeEnabled());
    await userEvent.click(add());
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Delete policy auto-release-main-dev',
      }),
    );
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(writes).toEqual([
      {
        method: 'PUT',
        path: '/policies/auto-release',
        body: { environment: 'dev', branch: 'main' },
      },
      {
        method: 'DELETE',
        path: '/policies/auto-release-main-dev',
        body: undefined,
      },
    ]);
    void main2;
  });
});
