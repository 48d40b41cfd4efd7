import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  onCallPermissions,
  OnCallProviderId,
} from '@slipway/plugin-on-call-common';
import { IncidentStore } from './database/IncidentStore';
import { CatalogPeopleResolver } from './people';
import { EmbeddedProvider } from './providers/embedded';
import { OpsgenieProvider } from './providers/opsgenie';
import { PagerDutyProvider } from './providers/pagerduty';
import { ProviderRegistry } from './providers/registry';
import { OnCallProvider } from './providers/types';
import { createRouter } from './router';
import { readSchedules } from './schedule/schedule';

/**
 * The on-call backend plugin (`pluginId: on-call`, routes under `/api/on-call`).
 * Configuration: `onCall` in app-config (see config.d.ts).
 *
 * @public
 */
export const onCallPlugin = createBackendPlugin({
  pluginId: 'on-call',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        database,
        catalog,
      }) {
        permissionsRegistry.addPermissions(onCallPermissions);

        const knex = await database.getClient();
        if (!database.migrations?.skip) {
          await knex.migrate.latest({
            directory: resolvePackagePath(
              '@slipway/plugin-on-call-backend',
              'migrations',
            ),
            tableName: 'on_call_knex_migrations',
          });
        }
        const incidents = new IncidentStore(knex);
        const people = new CatalogPeopleResolver(catalog, auth, logger);

        const schedules = readSchedules(config.getOptional('onCall.schedules'));
        const maxRetries = config.getOptionalNumber('onCall.maxRetries');
        const providers: Partial<Record<OnCallProviderId, OnCallProvider>> = {
          embedded: new EmbeddedProvider({ schedules, incidents, people }),
        };
        const pd = config.getOptionalConfig('onCall.pagerDuty');
        if (pd) {
          providers.pagerduty = new PagerDutyProvider({
            token: pd.getString('token'),
            apiBaseUrl: pd.getOptionalString('apiBaseUrl'),
            eventsBaseUrl: pd.getOptionalString('eventsBaseUrl'),
            maxRetries,
          });
        }
        const og = config.getOptionalConfig('onCall.opsgenie');
        if (og) {
          providers.opsgenie = new OpsgenieProvider({
            apiKey: og.getString('apiKey'),
            apiBaseUrl: og.getOptionalString('apiBaseUrl'),
            webBaseUrl: og.getOptionalString('webBaseUrl'),
            maxRetries,
          });
        }
        const preferred = (config.getOptionalString('onCall.provider') ??
          'embedded') as OnCallProviderId;
        if (!['embedded', 'pagerduty', 'opsgenie'].includes(preferred)) {
          throw new Error(
            `Invalid onCall.provider '${preferred}': use embedded, pagerduty or opsgenie`,
          );
        }
        logger.info(
          `On-call providers: ${Object.keys(providers).join(
            ', ',
          )} (preferred ${preferred}); ${
            schedules.length
          } embedded schedule(s)`,
        );

        httpRouter.use(
          await createRouter({
            httpAuth,
            auth,
            permissions,
            catalog,
            logger,
            providers: new ProviderRegistry(providers, preferred),
            incidents,
            people,
          }),
        );
      },
    });
  },
});
