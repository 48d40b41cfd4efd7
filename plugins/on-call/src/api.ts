import { createApiRef } from '@backstage/core-plugin-api';
import type { OnCallApi } from '@slipway/plugin-on-call-common';

/**
 * The on-call backend API (an `OnCallClient` from `@slipway/plugin-on-call-common`, built
 * on `discoveryApi` + `fetchApi`).
 *
 * @public
 */
export const onCallApiRef = createApiRef<OnCallApi>({
  id: 'plugin.on-call.service',
});
