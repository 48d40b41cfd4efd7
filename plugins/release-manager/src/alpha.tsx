import { compatWrapper } from '@backstage/core-compat-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { isReleaseManagerAvailable } from '@slipway/plugin-release-manager-common';
import {
  releaseManagerApiRef,
  ReleaseManagerClient,
} from './api/ReleaseManagerApi';

/** The release-manager API for the new frontend system. @alpha */
export const releaseManagerApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: releaseManagerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReleaseManagerClient({ discoveryApi, fetchApi }),
    }),
});

/** The release status card, on entities with the release-manager annotation. @alpha */
export const releaseStatusEntityCard = EntityCardBlueprint.make({
  name: 'release-status',
  params: {
    filter: isReleaseManagerAvailable,
    loader: () =>
      import('./components/EntityReleaseStatusCard').then(m =>
        compatWrapper(<m.EntityReleaseStatusCard />),
      ),
  },
});

/** The Releases tab, on entities with the release-manager annotation. @alpha */
export const releasesEntityContent = EntityContentBlueprint.make({
  name: 'releases',
  params: {
    path: '/releases',
    title: 'Releases',
    filter: isReleaseManagerAvailable,
    loader: () =>
      import('./components/EntityReleaseManagerContent').then(m =>
        compatWrapper(<m.EntityReleaseManagerContent />),
      ),
  },
});

/**
 * The release-manager plugin for Backstage's new frontend system.
 *
 * @alpha
 */
const releaseManagerFrontendPlugin = createFrontendPlugin({
  pluginId: 'release-manager',
  extensions: [
    releaseManagerApi,
    releaseStatusEntityCard,
    releasesEntityContent,
  ],
});
export default releaseManagerFrontendPlugin;
