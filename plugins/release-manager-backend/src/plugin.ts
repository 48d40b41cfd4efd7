import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { releaseManagerPermissions } from '@slipway/plugin-release-manager-common';
import { releaseManagerServiceRef } from '@slipway/plugin-release-manager-node';
import { readReleaseManagerConfig } from './config';
import { migrateReleaseManagerDatabase } from './database/migrate';
import { ReleaseNotifier } from './notifier/ReleaseNotifier';
import { createInsightsRouter } from './insights/router';
import { createRouter } from './service/router';
import { scheduleSignalsPusher } from './signals/scheduleSignalsPusher';

/**
 * The release-manager backend plugin (`/api/release-manager`): release state,
 * click-to-deploy, promote, rollback and policies of catalog entities, through the
 * release manager of `releaseManagerServiceRef` (configured under `releaseManager`), and
 * notifications to owners when a release becomes ready or fails its rollout; freeze
 * windows, promotion gates and break glass; and it pushes the portal's health lights
 * and open incidents to the release manager for its gates (`releaseManager.signals`).
 */
export const releaseManagerPlugin = createBackendPlugin({
  pluginId: 'release-manager',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        database: coreServices.database,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        notifications: notificationService,
        releaseManager: releaseManagerServiceRef,
      },
      async init(deps) {
        const config = readReleaseManagerConfig(deps.config);
        const client = deps.releaseManager;
        deps.permissionsRegistry.addPermissions(releaseManagerPermissions);
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            logger: deps.logger,
            config,
            client,
          }),
        );
        // Delivery insights of teams and systems: feed, drift, DORA.
        deps.httpRouter.use(
          await createInsightsRouter({
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            discovery: deps.discovery,
            client,
          }),
        );

        // The portal's health lights and incidents, for the release manager's gates.
        await scheduleSignalsPusher({
          config: deps.config,
          scheduler: deps.scheduler,
          catalog: deps.catalog,
          auth: deps.auth,
          discovery: deps.discovery,
          client,
          logger: deps.logger,
        });

        if (config.notificationsEnabled) {
          const database = await deps.database.getClient();
          if (!deps.database.migrations?.skip) {
            await migrateReleaseManagerDatabase(database);
          }
          const notifier = new ReleaseNotifier({
            client,
            catalog: deps.catalog,
            auth: deps.auth,
            notifications: deps.notifications,
            database,
            logger: deps.logger,
          });
          await deps.scheduler.scheduleTask({
            id: 'release-manager-notifier',
            frequency: { seconds: config.pollIntervalSeconds },
            timeout: { seconds: 60 },
            initialDelay: { seconds: 5 },
            scope: 'global',
            fn: async () => {
              try {
                const sent = await notifier.poll();
                if (sent) deps.logger.info(`sent ${sent} release notifications`);
              } catch (error) {
                deps.logger.warn(
                  `release notifications: could not read the release manager's events: ${error}`,
                );
              }
            },
          });
        }
      },
    });
  },
});
