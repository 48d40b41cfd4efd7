import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/**
 * One rule of the portal's permission policy. A rule looks at the permission being
 * asked for and the signed-in user (undefined for service-to-service calls) and either
 * returns a decision, or `undefined` to leave the request to the next rule.
 */
export type PolicyRule = {
  /** Short name, shown in tests and logs (e.g. `release-manager owners`). */
  name: string;
  /** Returns the decision for the request, or `undefined` when the rule does not apply. */
  decide(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): PolicyDecision | undefined | Promise<PolicyDecision | undefined>;
};

/**
 * Slipway's permission policy: asks each rule in order and uses the first decision.
 * When no rule decides, the request is allowed, so Backstage's own plugins (catalog,
 * scaffolder, techdocs, ...) behave as with the allow-all policy, while each Slipway
 * plugin adds a rule for its own permissions (see `rules/`).
 */
export class SlipwayPermissionPolicy implements PermissionPolicy {
  constructor(private readonly rules: PolicyRule[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    for (const rule of this.rules) {
      const decision = await rule.decide(request, user);
      if (decision) return decision;
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
