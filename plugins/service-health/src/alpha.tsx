import { compatWrapper } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isServiceHealthApplicable } from '@slipway/plugin-service-health-common';
import { serviceHealthApiRef, ServiceHealthClient } from './api';

/** The service-health API for the new frontend system. @alpha */
export const serviceHealthApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: serviceHealthApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceHealthClient({ discoveryApi, fetchApi }),
    }),
});

/** The service-health entity card, on services and annotated entities. @alpha */
export const serviceHealthEntityCard = EntityCardBlueprint.make({
  name: 'service-health',
  params: {
    filter: isServiceHealthApplicable,
    loader: () =>
      import('./components/EntityServiceHealthCard').then(m =>
        compatWrapper(<m.EntityServiceHealthCard />),
      ),
  },
});

/**
 * The service-health plugin for Backstage's new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'service-health',
  extensions: [serviceHealthApi, serviceHealthEntityCard],
});
