import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { screen, waitFor } from '@testing-library/react';
import { ServiceHealthApi, serviceHealthApiRef } from '../api';
import { createServiceHealthColumn } from './ServiceHealthColumn';
import { health, serviceEntity, signal } from './testData';

describe('createServiceHealthColumn', () => {
  it('fetches the lights of all rows in one batch call', async () => {
    const entities = ['a', 'b', 'c'].map(serviceEntity);
    const website = { ...serviceEntity('site'), spec: { type: 'website' } };
    const lights = { a: 'green', b: 'red', c: 'amber' } as const;
    const api: Partial<ServiceHealthApi> = {
      getHealthBatch: jest.fn(async (refs: string[]) =>
        refs.map(ref => {
          const name = ref.split('/')[1] as keyof typeof lights;
          return {
            entityRef: ref,
            health: {
              ...health(lights[name], [signal(lights[name], 1)]),
              entityRef: ref,
            },
          };
        }),
      ),
    };
    const column = createServiceHealthColumn();
    await renderInTestApp(
      <TestApiProvider apis={[[serviceHealthApiRef, api as ServiceHealthApi]]}>
        {[...entities, website].map(entity => (
          <div key={entity.metadata.name}>
            {column.render!(
              {
                entity,
                resolved: {
                  name: entity.metadata.name,
                  entityRef: stringifyEntityRef(entity),
                  partOfSystemRelations: [],
                  ownedByRelations: [],
                },
              },
              'row',
            )}
          </div>
        ))}
      </TestApiProvider>,
    );
    await waitFor(() =>
      expect(
        screen.getAllByRole('img').map(e => e.getAttribute('data-light')),
      ).toEqual(['green', 'red', 'amber']),
    );
    expect(api.getHealthBatch).toHaveBeenCalledTimes(1);
    expect(api.getHealthBatch).toHaveBeenCalledWith([
      'component:default/a',
      'component:default/b',
      'component:default/c',
    ]);
    expect(screen.getByLabelText('No health signals')).toBeInTheDocument();
    expect(column.title).toBe('Health');
  });
});
