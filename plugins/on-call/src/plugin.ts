import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { OnCallClient } from '@slipway/plugin-on-call-common';
import { onCallApiRef } from './api';

/**
 * The on-call frontend plugin (legacy frontend system).
 *
 * @public
 */
export const onCallPlugin = createPlugin({
  id: 'on-call',
  apis: [
    createApiFactory({
      api: onCallApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OnCallClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * Entity card: who is on call now (name, e-mail, level, until when) and next, the open
 * incidents, and a Trigger incident button (form + confirmation). Shows the
 * missing-annotation state for entities without an on-call annotation.
 *
 * @public
 */
export const EntityOnCallCard = onCallPlugin.provide(
  createComponentExtension({
    name: 'EntityOnCallCard',
    component: {
      lazy: () =>
        import('./components/EntityOnCallCard').then(m => m.EntityOnCallCard),
    },
  }),
);

/**
 * Home-page card: who is on call (level 1) for every service owned by the signed-in
 * user's teams.
 *
 * @public
 */
export const HomePageOnCallCard = onCallPlugin.provide(
  createComponentExtension({
    name: 'HomePageOnCallCard',
    component: {
      lazy: () =>
        import('./components/HomePageOnCallCard').then(
          m => m.HomePageOnCallCard,
        ),
    },
  }),
);
