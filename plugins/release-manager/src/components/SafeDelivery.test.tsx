import { registerMswTestHooks } from '@backstage/test-utils';
import {
  configure,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { DateTime } from 'luxon';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  EntityReleaseStatus,
  FreezeWindowState,
  GatesResponse,
} from '@slipway/plugin-release-manager-common';
import {
  API,
  artifacts,
  entity,
  history,
  main1,
  main2,
  main3,
  main4,
  policies,
  settledStatus,
} from '../__testUtils__/fixtures';
import { renderWithEntity } from '../__testUtils__/render';
import { EntityReleaseManagerContent } from './EntityReleaseManagerContent';

// the tables are heavy to render on a busy 2-core machine
// (under other engineers' builds one file took 3 minutes)
jest.setTimeout(180_000);
configure({ asyncUtilTimeout: 15_000 });

const server = setupServer();
registerMswTestHooks(server);

const FREEZE_MESSAGE =
  'prod is frozen until 2026-12-24T18:00:00.000+01:00 (Christmas)';

const christmas: FreezeWindowState = {
  id: 'freeze-0a1b2c3d',
  service: 'ledger',
  environment: 'prod',
  reason: 'Christmas',
  from: '2026-12-20T00:00:00+01:00',
  to: '2026-12-24T18:00:00+01:00',
  active: true,
  start: '2026-12-20T00:00:00+01:00',
  end: '2026-12-24T18:00:00+01:00',
};

/** The gates of a release into `environment`: prod is frozen and its health gate fails. */
function gatesOf(environment: string, intent: string): GatesResponse {
  const prod = environment === 'prod';
  return {
    service: 'ledger',
    environment,
    intent: intent as GatesResponse['intent'],
    settings: {
      rolloutReady: prod,
      health: prod,
      incidents: prod,
      soakMinutes: prod ? 30 : 0,
    },
    gates: prod
      ? [
          {
            id: 'rollout-ready',
            name: 'Source rollout ready',
            outcome: 'passed',
            message: 'staging runs it 3/3 ready',
          },
          {
            id: 'health',
            name: 'Service health',
            outcome: 'failed',
            message: 'ledger is red: error ratio 8.2 % > 5 %',
          },
          {
            id: 'incidents',
            name: 'No high-urgency incident',
            outcome: 'passed',
            message: 'no open incident',
          },
          {
            id: 'soak',
            name: 'Soak time',
            outcome: 'skipped',
            message: 'not a promotion',
          },
        ]
      : [],
    ...(prod
      ? {
          freeze: {
            kind: 'window' as const,
            environment: 'prod',
            window: christmas,
            until: christmas.end,
            reason: 'Christmas',
            message: FREEZE_MESSAGE,
          },
        }
      : {}),
    allowed: !prod,
  };
}

const onCall = {
  getOnCall: jest.fn(async () => ({
    provider: 'embedded' as const,
    schedule: { id: 'payments', name: 'Payments primary' },
    levels: [
      {
        level: 1,
        now: [{ person: { name: 'Astrid Nilsson' } }],
        next: [],
      },
      { level: 2, now: [{ person: { name: 'Bo Ek' } }], next: [] },
    ],
  })),
  listIncidents: jest.fn(),
  triggerIncident: jest.fn(),
  acknowledgeIncident: jest.fn(),
  resolveIncident: jest.fn(),
};

/** Serves the fixtures plus the safe-delivery routes; records the writes. */
function serve(
  options: {
    status?: EntityReleaseStatus;
    policies?: unknown;
    freezeWindows?: FreezeWindowState[];
    devHistory?: ReturnType<typeof history>;
  } = {},
) {
  const writes: Array<{ method: string; path: string; body: any }> = [];
  let statusCalls = 0;
  server.use(
    http.get(`${API}/status`, () => {
      statusCalls += 1;
      return HttpResponse.json(options.status ?? settledStatus);
    }),
    http.get(`${API}/artifacts`, () => HttpResponse.json(artifacts)),
    http.get(`${API}/policies`, () =>
      HttpResponse.json(options.policies ?? policies),
    ),
    http.get(`${API}/freezes`, () =>
      HttpResponse.json({
        service: 'ledger',
        freezeWindows: options.freezeWindows ?? [],
      }),
    ),
    http.get(`${API}/gates`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      return HttpResponse.json(
        gatesOf(q.get('environment')!, q.get('intent')!),
      );
    }),
    http.get(`${API}/releases/:env`, ({ params }) =>
      HttpResponse.json(
        params.env === 'dev' && options.devHistory
          ? options.devHistory
          : history(params.env as string),
      ),
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
      return HttpResponse.json({
        releaseId: 'x',
        service: 'ledger',
        environment: 'staging',
        resumed: true,
      });
    }),
  );
  return { writes, statusCalls: () => statusCalls };
}

const deployButton = (artifactId: string, env: string) =>
  screen.getByRole('button', { name: `Deploy ${artifactId} to ${env}` });

describe('Releases tab: freeze windows, gates, break glass, auto-rollback', () => {
  it('shows every gate, the freeze and who is on call before the click, and breaks glass with the typed reason', async () => {
    const { writes } = serve({ freezeWindows: [christmas] });
    await renderWithEntity(<EntityReleaseManagerContent />, {
      entity,
      onCall,
    });
    await screen.findByText('Latest artifacts');
    await waitFor(() => expect(deployButton(main4.id, 'prod')).toBeEnabled());
    await userEvent.click(deployButton(main4.id, 'prod'));
    const dialog = await screen.findByRole('dialog');

    expect(
      await within(dialog).findByText(`Frozen: ${FREEZE_MESSAGE}`),
    ).toBeInTheDocument();
    expect(within(dialog).getByTestId('gate-health')).toHaveTextContent(
      'Service health: failedledger is red: error ratio 8.2 % > 5 %',
    );
    expect(within(dialog).getByTestId('gate-rollout-ready')).toHaveTextContent(
      'Source rollout ready: passed',
    );
    expect(within(dialog).getByTestId('gate-soak')).toHaveTextContent(
      'Soak time: skipped',
    );
    expect(await within(dialog).findByTestId('on-call-now')).toHaveTextContent(
      'L1: Astrid Nilsson · L2: Bo Ek (Payments primary)',
    );
    expect(onCall.getOnCall).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'ledger', kind: 'Component' }),
    );
    // the plain release is refused before the click; the override needs a reason
    expect(
      within(dialog).getByRole('button', { name: 'Deploy to prod' }),
    ).toBeDisabled();
    const override = () =>
      within(dialog).getByRole('button', {
        name: 'Break glass and override gates',
      });
    await waitFor(() =>
      expect(within(dialog).getByLabelText(/Reason/)).toBeEnabled(),
    );
    expect(override()).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'hotfix for INC-42 fee rounding',
    );
    await waitFor(() => expect(override()).toBeEnabled());
    await userEvent.click(override());

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes).toEqual([
      {
        method: 'POST',
        path: '/releases',
        body: {
          environment: 'prod',
          intent: 'ReleaseArtifact',
          artifactId: main4.id,
          breakGlass: { reason: 'hotfix for INC-42 fee rounding' },
          overrideGates: { reason: 'hotfix for INC-42 fee rounding' },
        },
      },
    ]);
  });

  it('offers to override the gates after a 409 refusal and shows the server message', async () => {
    const { writes } = serve();
    server.use(
      http.post(`${API}/release`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message: 'gate health failed: ledger is red',
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        ),
      ),
    );
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    await waitFor(() => expect(deployButton(main4.id, 'dev')).toBeEnabled());
    await userEvent.click(deployButton(main4.id, 'dev'));
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/No gates apply to dev/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('No on-call information for this service.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).queryByRole('button', { name: 'Override gates' }),
    ).toBeNull();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Deploy to dev' }),
    );
    expect(
      await within(dialog).findByText('gate health failed: ledger is red'),
    ).toBeInTheDocument();
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'health is red for an unrelated reason',
    );
    const override = within(dialog).getByRole('button', {
      name: 'Override gates',
    });
    await waitFor(() => expect(override).toBeEnabled());
    await userEvent.click(override);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(writes).toEqual([
      {
        method: 'POST',
        path: '/releases',
        body: {
          environment: 'dev',
          intent: 'ReleaseArtifact',
          artifactId: main4.id,
          overrideGates: { reason: 'health is red for an unrelated reason' },
        },
      },
    ]);
  });

  it('shows the frozen and auto-release paused chips, and Resume calls the route and reloads', async () => {
    const status: EntityReleaseStatus = {
      ...settledStatus,
      environments: settledStatus.environments.map(e =>
        e.name === 'staging'
          ? {
              ...e,
              autoReleasePaused: {
                since: new Date(Date.now() - 600_000).toISOString(),
                reason:
                  'rolled back automatically: the rollout of main-4 failed (CrashLoopBackOff)',
                failedArtifactId: main4.id,
              },
            }
          : e,
      ),
    };
    const { writes, statusCalls } = serve({
      status,
      freezeWindows: [
        christmas,
        { ...christmas, id: 'freeze-later', environment: 'dev', active: false },
      ],
    });
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');

    expect(screen.getByTestId('frozen-prod')).toHaveTextContent(
      /^frozen until .+ \(Christmas\)$/,
    );
    expect(screen.queryByTestId('frozen-dev')).toBeNull();
    const paused = screen.getByTestId('auto-release-paused-staging');
    expect(paused).toHaveTextContent(
      'auto-release paused: rolled back automatically: the rollout of main-4 failed (CrashLoopBackOff)',
    );
    expect(screen.queryByTestId('auto-release-paused-dev')).toBeNull();

    const before = statusCalls();
    const resume = within(paused).getByRole('button', { name: 'Resume' });
    await waitFor(() => expect(resume).toBeEnabled());
    await userEvent.click(resume);
    await waitFor(() =>
      expect(writes).toEqual([
        {
          method: 'POST',
          path: '/auto-release/resume',
          body: { environment: 'staging' },
        },
      ]),
    );
    await waitFor(() => expect(statusCalls()).toBeGreaterThan(before));
  });

  it('shows the break-glass reason and the auto-rollback marker in the history', async () => {
    const dev = history('dev');
    dev.releases = [
      {
        ...dev.releases[0],
        artifact: main2,
        intent: 'Rollback',
        releasedByName: 'Slipway auto-rollback',
        autoRollback: {
          trigger: 'rollout-failed',
          reason: 'the rollout of main-3 failed: CrashLoopBackOff',
          failedArtifactId: main3.id,
        },
      },
      {
        ...dev.releases[1],
        artifact: main3,
        breakGlassReason: 'hotfix for INC-42',
        gateOverrideReason: 'health red from the load test',
      },
      { ...dev.releases[2], artifact: main1 },
    ];
    serve({ devHistory: dev });
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    expect(await screen.findByTestId('auto-rollback')).toHaveTextContent(
      'auto-rollback: rollout failed the rollout of main-3 failed: CrashLoopBackOff',
    );
    expect(screen.getByTestId('break-glass-reason')).toHaveTextContent(
      'broke glass hotfix for INC-42',
    );
    expect(screen.getByTestId('gate-override-reason')).toHaveTextContent(
      'overrode gates health red from the load test',
    );
    expect(screen.getAllByTestId('break-glass-reason')).toHaveLength(1);
  });

  it('lists freeze windows and auto-rollback policies and lets an owner add and remove them', async () => {
    const { writes } = serve({
      freezeWindows: [
        christmas,
        {
          id: 'global-freeze-0',
          environment: 'prod',
          reason: 'Fridays',
          global: true,
          rrule: 'FREQ=WEEKLY;BYDAY=FR;BYHOUR=16',
          timeZone: 'Europe/Oslo',
          durationMinutes: 3840,
          active: false,
          start: '2026-12-04T16:00:00+01:00',
          end: '2026-12-07T08:00:00+01:00',
        },
      ],
      policies: {
        ...policies,
        autoRollbacks: [
          {
            id: 'auto-rollback-staging',
            environment: 'staging',
            onRolloutFailure: true,
            healthRedWithinMinutes: 15,
          },
        ],
      },
    });
    await renderWithEntity(<EntityReleaseManagerContent />, { entity });
    await screen.findByText('Latest artifacts');
    expect(screen.getByTestId('freeze-freeze-0a1b2c3d')).toHaveTextContent(
      'prod: Christmas',
    );
    expect(screen.getByTestId('freeze-global-freeze-0')).toHaveTextContent(
      /FREQ=WEEKLY;BYDAY=FR;BYHOUR=16 \(Europe\/Oslo, 3840 min\)/,
    );
    expect(
      screen.queryByRole('button', {
        name: 'Delete freeze window global-freeze-0',
      }),
    ).toBeNull();
    expect(
      screen.getByText(
        'staging: roll back when rollout fails · health red within 15 min',
      ),
    ).toBeInTheDocument();

    const add = () => screen.getByRole('button', { name: 'Add freeze window' });
    await waitFor(() => expect(screen.getByLabelText('Reason')).toBeEnabled());
    expect(add()).toBeDisabled(); // no reason, no times yet
    fireEvent.change(screen.getByLabelText('From'), {
      target: { value: '2026-12-31T18:00' },
    });
    fireEvent.change(screen.getByLabelText('To'), {
      target: { value: '2027-01-02T08:00' },
    });
    fireEvent.change(screen.getByLabelText('Reason'), {
      target: { value: 'New year' },
    });
    await waitFor(() => expect(add()).toBeEnabled());
    await userEvent.click(add());
    await waitFor(() => expect(writes).toHaveLength(1));

    fireEvent.change(screen.getByLabelText('Not ready within (min)'), {
      target: { value: '10' },
    });
    const set = screen.getByRole('button', { name: 'Set auto-rollback' });
    await waitFor(() => expect(set).toBeEnabled());
    await userEvent.click(set);
    await waitFor(() => expect(writes).toHaveLength(2));
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Delete freeze window freeze-0a1b2c3d',
      }),
    );
    await waitFor(() => expect(writes).toHaveLength(3));
    expect(writes).toEqual([
      {
        method: 'POST',
        path: '/freezes',
        body: {
          environment: 'prod',
          reason: 'New year',
          from: DateTime.fromISO('2026-12-31T18:00').toISO(),
          to: DateTime.fromISO('2027-01-02T08:00').toISO(),
        },
      },
      {
        method: 'PUT',
        path: '/policies/auto-rollback',
        body: {
          environment: 'dev',
          onRolloutFailure: true,
          notReadyWithinMinutes: 10,
        },
      },
      {
        method: 'DELETE',
        path: '/freezes/freeze-0a1b2c3d',
        body: undefined,
      },
    ]);
  });
});
