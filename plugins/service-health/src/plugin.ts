import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { isServiceHealthApplicable } from '@slipway/plugin-service-health-common';
import { serviceHealthApiRef, ServiceHealthClient } from './api';

/**
 * The service-health frontend plugin (legacy frontend system).
 *
 * @public
 */
export const serviceHealthPlugin = createPlugin({
  id: 'service-health',
  apis: [
    createApiFactory({
      api: serviceHealthApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceHealthClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * Whether the service-health card applies to an entity: services (Components of type
 * `service`) and entities annotated with `slipway.dev/health-signals` or
 * `slipway.dev/health-selector`. For `EntitySwitch.Case if={...}`.
 *
 * @public
 */
export const isServiceHealthAvailable = (entity: Entity): boolean =>
  isServiceHealthApplicable(entity);

/**
 * Entity card with the overall light and one row per signal, the rollout and the open
 * incidents. Use on an entity page inside a grid item.
 *
 * @public
 */
export const EntityServiceHealthCard = serviceHealthPlugin.provide(
  createComponentExtension({
    name: 'EntityServiceHealthCard',
    component: {
      lazy: () =>
        import('./components/EntityServiceHealthCard').then(
          m => m.EntityServiceHealthCard,
        ),
    },
  }),
);

/**
 * Home-page card with the lights of the signed-in user's team's services.
 *
 * @public
 */
export const HomePageServiceHealthCard = serviceHealthPlugin.provide(
  createComponentExtension({
    name: 'HomePageServiceHealthCard',
    component: {
      lazy: () =>
        import('./components/HomePageServiceHealthCard').then(
          m => m.HomePageServiceHealthCard,
        ),
    },
  }),
);
