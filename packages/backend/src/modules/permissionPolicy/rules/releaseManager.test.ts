import { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  PermissionCondition,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseCreatePermission,
  releaseManagerReleaseReadPermission,
} from '@slipway/plugin-release-manager-common';
import { SlipwayPermissionPolicy } from '../policy';
import { policyRules } from '.';
import { releaseManagerRule } from './releaseManager';

function userOf(ownershipEntityRefs: string[]): PolicyQueryUser {
  return {
    credentials: {} as any,
    info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  };
}

const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ledger', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/payments' }],
};

/** Evaluates a conditional decision's single condition the way the catalog does. */
function evaluate(decision: ConditionalPolicyDecision, entity: Entity) {
  const condition = decision.conditions as PermissionCondition<
    'catalog-entity',
    { claims: string[] }
  >;
  expect(condition.rule).toBe('IS_ENTITY_OWNER');
  return permissionRules.isEntityOwner.apply(entity, condition.params!);
}

describe('releaseManagerRule', () => {
  const owner = userOf(['user:default/jane', 'group:default/payments']);
  const stranger = userOf(['user:default/bob', 'group:default/lending']);

  it('is part of the portal policy', () => {
    expect(policyRules).toContain(releaseManagerRule);
  });

  it.each([
    releaseManagerReleaseCreatePermission,
    releaseManagerPolicyUpdatePermission,
  ])('lets owners, and only owners, use $name', async permission => {
    const policy = new SlipwayPermissionPolicy(policyRules);
    const forOwner = (await policy.handle({ permission }, owner)) as any;
    expect(forOwner.result).toBe(AuthorizeResult.CONDITIONAL);
    expect(forOwner.pluginId).toBe('catalog');
    expect(forOwner.resourceType).toBe('catalog-entity');
    expect(evaluate(forOwner, ledger)).toBe(true);

    const forStranger = (await policy.handle({ permission }, stranger)) as any;
    expect(evaluate(forStranger, ledger)).toBe(false);
  });

  it('denies release and policy changes without a signed-in user', async () => {
    const policy = new SlipwayPermissionPolicy(policyRules);
    await expect(
      policy.handle({ permission: releaseManagerReleaseCreatePermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });

  it('lets anyone signed in read, and nobody else', async () => {
    const policy = new SlipwayPermissionPolicy(policyRules);
    await expect(
      policy.handle({ permission: releaseManagerReleaseReadPermission }, stranger),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: releaseManagerReleaseReadPermission }),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});
