import { EntityReleaseStatus } from '@slipway/plugin-release-manager-common';
import { Incident } from '@slipway/plugin-on-call-common';
import { incidentHealth, rolloutHealth } from './lights';

const status = (
  rollouts: Record<
    string,
    EntityReleaseStatus['environments'][number]['rollout']
  >,
): EntityReleaseStatus => ({
  service: 'ledger-svc',
  environments: Object.entries(rollouts).map(([name, rollout]) => ({
    name,
    rollout,
  })),
});

describe('rolloutHealth', () => {
  it('is red for a failed environment, worst first, naming the container and reason', () => {
    expect(
      rolloutHealth(
        status({
          dev: {
            phase: 'succeeded',
            availableReplicas: 1,
            desiredReplicas: 1,
            errors: [],
          },
          staging: {
            phase: 'progressing',
            availableReplicas: 1,
            desiredReplicas: 3,
            errors: [],
          },
          prod: {
            phase: 'failed',
            errors: [{ container: 'app', reason: 'CrashLoopBackOff' } as any],
          },
        }),
      ),
    ).toEqual({
      light: 'red',
      summary:
        'prod: failed: app CrashLoopBackOff, staging: progressing (1/3 ready); succeeded in dev',
    });
  });

  it('is green when every reported rollout succeeded, grey when none is reported', () => {
    expect(
      rolloutHealth(
        status({
          dev: {
            phase: 'succeeded',
            availableReplicas: 2,
            desiredReplicas: 2,
            errors: [],
          },
          prod: undefined,
        }),
      ),
    ).toEqual({ light: 'green', summary: 'succeeded in dev (2/2 ready)' });
    expect(rolloutHealth(status({ dev: undefined }))).toEqual({
      light: 'grey',
      summary: 'rollout unknown: no rollout reported for ledger-svc',
    });
  });
});

describe('incidentHealth', () => {
  const incident = (
    urgency: 'high' | 'low',
    s: Incident['status'],
  ): Incident => ({
    id: `${urgency}-${s}`,
    provider: 'embedded',
    title: 't',
    status: s,
    urgency,
    createdAt: '2026-01-01T00:00:00Z',
    canUpdate: true,
  });

  it('is red with a high-urgency open incident, amber with only low, green with none', () => {
    expect(
      incidentHealth([
        incident('high', 'triggered'),
        incident('low', 'acknowledged'),
        incident('high', 'resolved'),
      ]),
    ).toEqual({ light: 'red', summary: '2 open incidents (1 high urgency)' });
    expect(incidentHealth([incident('low', 'triggered')])).toEqual({
      light: 'amber',
      summary: '1 open incident (low urgency)',
    });
    expect(incidentHealth([incident('high', 'resolved')])).toEqual({
      light: 'green',
      summary: 'no open incidents',
    });
  });
});
