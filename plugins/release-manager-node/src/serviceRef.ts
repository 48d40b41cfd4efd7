import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { readReleaseManagerConnection } from './config';
import {
  createReleaseManagerService,
  ReleaseManagerService,
} from './ReleaseManagerService';

/**
 * The release manager client of the backend (root scope: the `releaseManager` config
 * key is read once, when the first feature asks for it, and every plugin and module
 * shares one client). Its default factory reads `releaseManager.baseUrl`, `.token`,
 * `.environments` and `.timeoutMs` (see config.d.ts); a backend without
 * `releaseManager.baseUrl` fails at start only when a feature depends on this ref.
 *
 * @example
 * ```ts
 * env.registerInit({
 *   deps: { releaseManager: releaseManagerServiceRef },
 *   async init({ releaseManager }) {
 *     const status = await releaseManager.status('ledger');
 *   },
 * });
 * ```
 * @public
 */
export const releaseManagerServiceRef = createServiceRef<ReleaseManagerService>(
  {
    id: 'slipway.release-manager.client',
    scope: 'root',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { config: coreServices.rootConfig },
        initialization: 'lazy',
        factory({ config }) {
          return createReleaseManagerService(
            readReleaseManagerConnection(config),
          );
        },
      }),
  },
);
