import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputHealth } from '@slipway/plugin-service-health-common';
import { HealthInputProvider } from '../inputs/extensionPoint';
import { readServiceHealthConfig } from './config';
import { HealthService } from './HealthService';

const service = (name: string, type = 'service'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type },
});

/** A provider that records its calls and answers amber for every entity. */
function recordingProvider() {
  const calls: { refs: string[]; who: string }[] = [];
  const provider: HealthInputProvider = {
    async getMany(entities, { credentials }) {
      calls.push({
        refs: entities.map(e => stringifyEntityRef(e)),
        who: (credentials.principal as any).userEntityRef,
      });
      return new Map<string, InputHealth>(
        entities.map(e => [
          stringifyEntityRef(e),
          { light: 'amber', summary: `seen ${e.metadata.name}` },
        ]),
      );
    },
  };
  return { calls, provider };
}

describe('HealthService inputs', () => {
  const config = readServiceHealthConfig(
    new ConfigReader({ serviceHealth: { signals: [], cacheTtlSeconds: 30 } }),
  );
  const prometheus = { query: async () => [] };
  const jane = mockCredentials.user('user:default/jane');
  const bob = mockCredentials.user('user:default/bob');

  it('asks each provider once per batch (per 500 entities), caches per caller, skips non-services', async () => {
    const rollout = recordingProvider();
    const incidents = recordingProvider();
    const health = new HealthService({
      config,
      prometheus,
      rollout: rollout.provider,
      incidents: incidents.provider,
    });
    const entities = [
      ...Array.from({ length: 600 }, (_, i) => service(`svc-${i}`)),
      service('docs', 'website'),
    ];
    const first = await health.getHealthOfMany(entities, jane);
    expect(rollout.calls.map(c => c.refs.length)).toEqual([500, 100]);
    expect(incidents.calls.map(c => c.refs.length)).toEqual([500, 100]);
    expect(rollout.calls[0].who).toBe('user:default/jane');
    expect(first[0].rollout).toEqual({ light: 'amber', summary: 'seen svc-0' });
    expect(first[0].light).toBe('amber');
    expect(first[600].rollout.summary).toMatch(/not a service/);

    // warm: nothing asked again for the same caller, also not for one entity
    await health.getHealthOfMany(entities, jane);
    await health.getHealth(entities[5], jane);
    expect(rollout.calls).toHaveLength(2);

    // another caller is asked for on its own behalf
    await health.getHealth(entities[5], bob);
    expect(rollout.calls).toHaveLength(3);
    expect(rollout.calls[2]).toEqual({
      refs: ['component:default/svc-5'],
      who: 'user:default/bob',
    });
  });

  it('says "not configured" without providers and grey with the error when one rejects', async () => {
    const health = new HealthService({
      config,
      prometheus,
      incidents: {
        getMany: async () => {
          throw new Error('on-call exploded');
        },
      },
    });
    const [h] = await health.getHealthOfMany([service('ledger')], jane);
    expect(h.rollout).toEqual({
      light: 'grey',
      summary: expect.stringMatching(/^rollout unknown: not configured/),
    });
    expect(h.incidents).toEqual({
      light: 'grey',
      summary: 'incidents unknown: Error: on-call exploded',
    });
  });
});
