import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogLocationsExtensionPoint, catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { releaseManagerServiceRef } from '@slipway/plugin-release-manager-node';
import { createGrafanaDashboardAction } from './actions/grafanaDashboard';
import { createPublishLocalGitAction } from './actions/localGit';
import { createNameAvailableAction } from './actions/nameAvailable';
import { createRegisterFileAction } from './actions/registerFile';
import { createPublishTargetAction } from './actions/publishTarget';
import { createPolicyApplyAction, createReleaseAction } from './actions/releaseManager';
import { createWaitForCiAction } from './actions/waitForCi';

/**
 * Scaffolder module with Slipway's golden-path actions: `slipway:name:available`,
 * `slipway:publish:target`, `publish:local-git`, `catalog:register:file`,
 * `grafana:dashboard:create`, `slipway:ci:wait`, `release-manager:policy:apply` and
 * `release-manager:release`.
 *
 * @public
 */
export const scaffolderModuleSlipway = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'slipway',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        releaseManager: releaseManagerServiceRef,
      },
      async init({ scaffolderActions, config, catalog, releaseManager }) {
        scaffolderActions.addActions(
          createNameAvailableAction({ catalog }),
          createPublishLocalGitAction({ config, catalog }),
          createRegisterFileAction({ catalog }),
          createGrafanaDashboardAction({ config }),
          createPublishTargetAction({ config }),
          createWaitForCiAction({ config, releaseManager }),
          createPolicyApplyAction({ config, releaseManager }),
          createReleaseAction({ config, releaseManager }),
        );
      },
    });
  },
});

/**
 * Catalog module that allows `file` locations to be registered through the catalog API
 * (besides `url`), so `catalog:register:file` can register the working copies of
 * `publish:local-git`. Registering locations still needs the
 * `catalog.location.create` permission. Off when
 * `slipway.scaffolder.localGit.allowFileLocations` is `false` (production, where
 * repositories go to GitHub and the catalog reads them by URL).
 *
 * @public
 */
export const catalogModuleSlipwayFileLocations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'slipway-file-locations',
  register({ registerInit }) {
    registerInit({
      deps: {
        locations: catalogLocationsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ locations, config }) {
        const allow =
          config.getOptionalBoolean(
            'slipway.scaffolder.localGit.allowFileLocations',
          ) ?? true;
        if (allow) locations.setAllowedLocationTypes(['url', 'file']);
      },
    });
  },
});
