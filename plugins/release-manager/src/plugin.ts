import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  releaseManagerApiRef,
  ReleaseManagerClient,
} from './api/ReleaseManagerApi';

/** The release-manager frontend plugin (legacy frontend system). */
export const releaseManagerPlugin = createPlugin({
  id: 'release-manager',
  apis: [
    createApiFactory({
      api: releaseManagerApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ReleaseManagerClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * Overview card: per environment the artifact, branch, commit, author, who released it
 * and when, and the rollout light. Lazy-loaded.
 */
export const EntityReleaseStatusCard = releaseManagerPlugin.provide(
  createComponentExtension({
    name: 'EntityReleaseStatusCard',
    component: {
      lazy: () =>
        import('./components/EntityReleaseStatusCard').then(
          m => m.EntityReleaseStatusCard,
        ),
    },
  }),
);

/**
 * The Releases tab: environments with rollout details, artifacts with Deploy buttons,
 * promote, roll back, history and policies. Lazy-loaded.
 */
export const EntityReleaseManagerContent = releaseManagerPlugin.provide(
  createComponentExtension({
    name: 'EntityReleaseManagerContent',
    component: {
      lazy: () =>
        import('./components/EntityReleaseManagerContent').then(
          m => m.EntityReleaseManagerContent,
        ),
    },
  }),
);
