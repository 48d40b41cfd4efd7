import { Entity } from '@backstage/catalog-model';
import type {
  EntityOnCall,
  Incident,
  OnCallApi,
} from '@slipway/plugin-on-call-common';
import { DateTime } from 'luxon';

export function service(
  name: string,
  annotations: Record<string, string> = {
    'slipway.dev/on-call-schedule': 'payments',
  },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      title: name === 'ledger' ? 'Ledger' : undefined,
      annotations,
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  };
}

const inDays = (d: number) =>
  DateTime.now().plus({ days: d, minutes: 1 }).toISO()!;

export const onCall: EntityOnCall = {
  provider: 'embedded',
  schedule: {
    id: 'payments',
    name: 'Payments on-call',
    timeZone: 'Europe/Copenhagen',
  },
  levels: [
    {
      level: 1,
      name: 'Primary',
      now: [
        {
          person: {
            ref: 'user:default/astrid.nilsson',
            name: 'Astrid Nilsson',
            email: 'astrid.nilsson@slipway.dev',
          },
          start: inDays(-4),
          end: inDays(3),
        },
      ],
      next: [
        {
          person: {
            ref: 'user:default/mikkel.jensen',
            name: 'Mikkel Jensen',
            email: 'mikkel.jensen@slipway.dev',
          },
          start: inDays(3),
          end: inDays(10),
        },
      ],
    },
    {
      level: 2,
      name: 'Secondary',
      now: [
        {
          person: {
            name: 'Ops Bot',
            email: 'ops@example.com',
            url: 'https://pd.example.com/users/P1',
          },
          end: inDays(1),
          override: true,
        },
      ],
      next: [],
    },
  ],
};

export function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    provider: 'embedded',
    title: 'Ledger returns 500',
    status: 'triggered',
    urgency: 'high',
    entityRef: 'component:default/ledger',
    createdAt: DateTime.now().minus({ minutes: 5 }).toISO()!,
    triggeredBy: 'user:default/guest',
    canUpdate: true,
    ...over,
  };
}

/** A fake OnCallApi whose methods are jest mocks. */
export function fakeApi(
  over: Partial<Record<keyof OnCallApi, jest.Mock>> = {},
) {
  return {
    getOnCall: jest.fn(async () => onCall),
    listIncidents: jest.fn(async () => ({ items: [] as Incident[] })),
    triggerIncident: jest.fn(),
    acknowledgeIncident: jest.fn(),
    resolveIncident: jest.fn(),
    ...over,
  };
}
