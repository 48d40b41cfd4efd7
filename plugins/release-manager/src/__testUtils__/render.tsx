import { fetchApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  mockApis,
  MockFetchApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ReactNode } from 'react';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { onCallApiRef } from '@slipway/plugin-on-call';
import { SWRConfig } from 'swr';
import {
  releaseManagerApiRef,
  ReleaseManagerClient,
} from '../api/ReleaseManagerApi';

/**
 * Renders `children` for `entity` with the real {@link ReleaseManagerClient} over
 * discovery (`http://example.com/api/release-manager`) and fetch, so msw answers the
 * requests; `allowed` decides every permission check; `onCall` stands in for the on-call
 * plugin's API.
 */
export function renderWithEntity(
  children: ReactNode,
  options: {
    entity: Entity;
    allowed?: boolean;
    /** The on-call plugin's API; absent: the app has no on-call plugin. */
    onCall?: typeof onCallApiRef.T;
  },
) {
  const discoveryApi = mockApis.discovery();
  const fetchApi = new MockFetchApi();
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [discoveryApiRef, discoveryApi],
        [fetchApiRef, fetchApi],
        [
          releaseManagerApiRef,
          new ReleaseManagerClient({ discoveryApi, fetchApi }),
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize:
              options.allowed === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          }),
        ],
        ...(options.onCall ? ([[onCallApiRef, options.onCall]] as const) : []),
      ]}
    >
      {/* a fresh permission cache per render: usePermission caches decisions in SWR */}
      <SWRConfig value={{ provider: () => new Map() }}>
        <EntityProvider entity={options.entity}>{children}</EntityProvider>
      </SWRConfig>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
