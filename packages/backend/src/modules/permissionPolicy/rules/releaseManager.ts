import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseBreakGlassPermission,
  releaseManagerReleaseCreatePermission,
  releaseManagerReleaseReadPermission,
} from '@slipway/plugin-release-manager-common';
import { PolicyRule } from '../policy';

/**
 * Release manager: the owners of an entity may release it and change its policies
 * (`release-manager.release.create`, `release-manager.policy.update`) and break glass
 * or override promotion gates (`release-manager.release.break-glass`): a conditional
 * decision with the catalog's `isEntityOwner` rule on the user's ownership refs, which
 * the catalog evaluates for the entity); anyone signed in may read its release state
 * (`release-manager.release.read`). Without a signed-in user all three are denied.
 */
export const releaseManagerRule: PolicyRule = {
  name: 'release-manager: owners release, signed-in users read',
  decide(request, user) {
    const { permission } = request;
    if (permission.name === releaseManagerReleaseReadPermission.name) {
      return { result: user ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (
      permission.name === releaseManagerReleaseCreatePermission.name ||
      permission.name === releaseManagerPolicyUpdatePermission.name ||
      permission.name === releaseManagerReleaseBreakGlassPermission.name
    ) {
      if (!user || !isResourcePermission(permission, 'catalog-entity')) {
        return { result: AuthorizeResult.DENY };
      }
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({
          claims: user.info.ownershipEntityRefs ?? [],
        }),
      );
    }
    return undefined;
  },
};
