import { createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { PolicyRule, SlipwayPermissionPolicy } from './policy';
import { policyRules } from './rules';

/**
 * Creates the permission backend module that installs a {@link SlipwayPermissionPolicy}
 * with the given rules (in order) as the portal's policy.
 */
export function createPermissionPolicyModule(rules: PolicyRule[]) {
  return createBackendModule({
    pluginId: 'permission',
    moduleId: 'slipway-policy',
    register(reg) {
      reg.registerInit({
        deps: { policy: policyExtensionPoint },
        async init({ policy }) {
          policy.setPolicy(new SlipwayPermissionPolicy(rules));
        },
      });
    },
  });
}

/** The portal's permission policy: the rules in `rules/` (replaces allow-all). */
export const permissionModuleSlipwayPolicy =
  createPermissionPolicyModule(policyRules);
