import { compatWrapper } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { OnCallClient } from '@slipway/plugin-on-call-common';
import { onCallApiRef } from './api';
import { isOnCallAvailable } from './conditions';

/** The on-call API for the new frontend system. @alpha */
export const onCallApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: onCallApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OnCallClient({ discoveryApi, fetchApi }),
    }),
});

/** The on-call entity card, on entities with an on-call annotation. @alpha */
export const onCallEntityCard = EntityCardBlueprint.make({
  name: 'on-call',
  params: {
    filter: isOnCallAvailable,
    loader: () =>
      import('./components/EntityOnCallCard').then(m =>
        compatWrapper(<m.EntityOnCallCard />),
      ),
  },
});

/**
 * The on-call plugin for Backstage's new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'on-call',
  extensions: [onCallApi, onCallEntityCard],
});
