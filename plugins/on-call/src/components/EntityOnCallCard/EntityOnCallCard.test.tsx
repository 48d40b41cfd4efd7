import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { onCallApiRef } from '../../api';
import { EntityOnCallCard } from './EntityOnCallCard';
import { fakeApi, incident, onCall, service } from '../testData';

async function render(
  api: ReturnType<typeof fakeApi>,
  entity: Entity = service('ledger'),
) {
  return renderInTestApp(
    <TestApiProvider apis={[[onCallApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityOnCallCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

async function errorResponse(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ) as any,
  );
}

describe('EntityOnCallCard', () => {
  it('shows progress while loading', async () => {
    const api = fakeApi({
      getOnCall: jest.fn(() => new Promise(() => {})),
      listIncidents: jest.fn(() => new Promise(() => {})),
    });
    await render(api);
    expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0);
  });

  it('shows every level: name, e-mail, until when, override, and who is next', async () => {
    const api = fakeApi({
      listIncidents: jest.fn(async () => ({
        items: [
          incident(),
          incident({
            id: 'pd',
            provider: 'pagerduty',
            title: 'PD incident',
            url: 'https://pd.example.com/incidents/PD1',
            canUpdate: false,
            status: 'acknowledged',
            acknowledgedBy: 'Ada',
          }),
        ],
      })),
    });
    await render(api);
    expect(await screen.findByText('Astrid Nilsson')).toBeInTheDocument();
    expect(api.getOnCall).toHaveBeenCalledWith('component:default/ledger');
    expect(
      screen.getByText('Embedded schedule:', { exact: false }),
    ).toBeInTheDocument();
    const level1 = screen.getByTestId('on-call-level-1');
    expect(within(level1).getByText('Level 1 · Primary')).toBeInTheDocument();
    expect(
      within(level1).getByText('astrid.nilsson@slipway.dev'),
    ).toHaveAttribute('href', 'mailto:astrid.nilsson@slipway.dev');
    expect(within(level1).getByText(/until in 3 days/)).toBeInTheDocument();
    expect(within(level1).getByText('Mikkel Jensen')).toBeInTheDocument();
    expect(within(level1).getByText(/from in 3 days/)).toBeInTheDocument();
    const level2 = screen.getByTestId('on-call-level-2');
    expect(within(level2).getByText('Ops Bot')).toHaveAttribute(
      'href',
      'https://pd.example.com/users/P1',
    );
    expect(within(level2).getByText('override')).toBeInTheDocument();
    // incidents: embedded with buttons, provider incident with a link and no buttons
    expect(await screen.findByText('Open incidents (2)')).toBeInTheDocument();
    expect(screen.getByText('Ledger returns 500')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Resolve Ledger returns 500' }),
    ).toBeInTheDocument();
    expect(screen.getByText('PD incident')).toHaveAttribute(
      'href',
      'https://pd.example.com/incidents/PD1',
    );
    expect(
      screen.queryByRole('button', { name: 'Resolve PD incident' }),
    ).not.toBeInTheDocument();
  });

  it('shows empty states when nobody is on call and nothing is open', async () => {
    const api = fakeApi({
      getOnCall: jest.fn(async () => ({ ...onCall, levels: [] })),
    });
    await render(api);
    expect(
      await screen.findByText('Nobody is on call in Payments on-call.'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No open incidents.')).toBeInTheDocument();
  });

  it('shows the backend error in the card, and keeps the card usable', async () => {
    const api = fakeApi({
      getOnCall: jest.fn(async () => {
        throw await errorResponse(503, 'PagerDuty is unavailable (HTTP 503)');
      }),
    });
    await render(api);
    expect(
      (await screen.findAllByText(/PagerDuty is unavailable \(HTTP 503\)/))
        .length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('on-call-level-1')).not.toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Trigger incident' }),
    ).toBeEnabled();
    expect(await screen.findByText('No open incidents.')).toBeInTheDocument();
  });

  it('shows the missing-annotation state for an entity without an on-call annotation', async () => {
    const api = fakeApi();
    await render(api, service('legacy', {}));
    expect(
      (await screen.findAllByText(/slipway.dev\/on-call-schedule/)).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getOnCall).not.toHaveBeenCalled();
  });

  it('triggers an incident through the form and the confirmation step', async () => {
    const user = userEvent.setup({ delay: null });
    const items = [] as ReturnType<typeof incident>[];
    const api = fakeApi({
      listIncidents: jest.fn(async () => ({ items: [...items] })),
      triggerIncident: jest.fn(async (_ref, req) => {
        const created = incident({
          id: 'new',
          title: req.title,
          urgency: req.urgency,
        });
        items.push(created);
        return {
          incident: created,
          message: 'Incident triggered; Astrid Nilsson is on call (level 1).',
        };
      }),
    });
    await render(api);
    await screen.findByText('Astrid Nilsson');
    await user.click(screen.getByRole('button', { name: 'Trigger incident' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Trigger an incident for Ledger'),
    ).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    expect(within(dialog).getByText('Title is required')).toBeInTheDocument();
    await user.type(
      within(dialog).getByRole('textbox', { name: /Title/ }),
      'Card payments failing',
    );
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Description' }),
      'Since 09:12',
    );
    await user.click(within(dialog).getByLabelText('Low'));
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    expect(
      within(dialog).getByText(
        'Astrid Nilsson (on call, level 1) will be paged.',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('low-urgency')).toBeInTheDocument();
    expect(api.triggerIncident).not.toHaveBeenCalled();
    await user.click(
      within(dialog).getByRole('button', { name: 'Trigger incident' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.triggerIncident).toHaveBeenCalledWith(
      'component:default/ledger',
      {
        title: 'Card payments failing',
        description: 'Since 09:12',
        urgency: 'low',
      },
    );
    expect(
      await screen.findByText(
        'Incident triggered; Astrid Nilsson is on call (level 1).',
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Card payments failing'),
    ).toBeInTheDocument();
  });

  it('shows a refused trigger (403) in the dialog', async () => {
    const user = userEvent.setup({ delay: null });
    const api = fakeApi({
      triggerIncident: jest.fn(async () => {
        throw await errorResponse(
          403,
          'You are not allowed to on-call.incident.create for component:default/ledger',
        );
      }),
    });
    await render(api);
    await user.click(
      await screen.findByRole('button', { name: 'Trigger incident' }),
    );
    const dialog = await screen.findByRole('dialog');
    await user.type(
      within(dialog).getByRole('textbox', { name: /Title/ }),
      'x',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Review' }));
    await user.click(
      within(dialog).getByRole('button', { name: 'Trigger incident' }),
    );
    expect(
      await within(dialog).findByText(
        'You are not allowed to on-call.incident.create for component:default/ledger',
      ),
    ).toBeInTheDocument();
  });

  it('acknowledges and resolves an embedded incident, then reloads the list', async () => {
    const user = userEvent.setup({ delay: null });
    let current = [incident()];
    const api = fakeApi({
      listIncidents: jest.fn(async () => ({ items: current })),
      acknowledgeIncident: jest.fn(async () => {
        current = [
          incident({
            status: 'acknowledged',
            acknowledgedBy: 'user:default/guest',
          }),
        ];
      }),
      resolveIncident: jest.fn(async () => {
        current = [];
      }),
    });
    await render(api);
    await user.click(
      await screen.findByRole('button', {
        name: 'Acknowledge Ledger returns 500',
      }),
    );
    expect(api.acknowledgeIncident).toHaveBeenCalledWith('inc-1');
    expect(await screen.findByText('acknowledged')).toBeInTheDocument();
    await user.click(
      screen.getByRole('button', { name: 'Resolve Ledger returns 500' }),
    );
    expect(api.resolveIncident).toHaveBeenCalledWith('inc-1');
    expect(await screen.findByText('No open incidents.')).toBeInTheDocument();
  });
});
