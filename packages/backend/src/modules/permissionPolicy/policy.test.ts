import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { SlipwayPermissionPolicy, PolicyRule } from './policy';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { createPermissionPolicyModule } from './module';

const readPermission = createPermission({
  name: 'test.thing.read',
  attributes: { action: 'read' },
});
const deletePermission = createPermission({
  name: 'test.thing.delete',
  attributes: { action: 'delete' },
});
const user = {
  identity: {
    type: 'user' as const,
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/payments'],
  },
  token: 'token',
  credentials: {} as any,
  info: {
    userEntityRef: 'user:default/guest',
    ownershipEntityRefs: ['user:default/guest', 'group:default/payments'],
  },
};

describe('SlipwayPermissionPolicy', () => {
  it('allows a permission that no rule handles', async () => {
    const policy = new SlipwayPermissionPolicy([]);
    await expect(
      policy.handle({ permission: readPermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('uses the first rule that decides, in order', async () => {
    const seen: string[] = [];
    const rules: PolicyRule[] = [
      {
        name: 'abstains',
        decide: () => {
          seen.push('abstains');
          return undefined;
        },
      },
      {
        name: 'denies deletes',
        decide: req => {
          seen.push('denies deletes');
          return req.permission.name === 'test.thing.delete'
            ? { result: AuthorizeResult.DENY }
            : undefined;
        },
      },
      {
        name: 'never reached for deletes',
        decide: () => {
          seen.push('last');
          return { result: AuthorizeResult.ALLOW };
        },
      },
    ];
    const policy = new SlipwayPermissionPolicy(rules);
    await expect(
      policy.handle({ permission: deletePermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    expect(seen).toEqual(['abstains', 'denies deletes']);
  });

  it('passes the signed-in user to the rules', async () => {
    const policy = new SlipwayPermissionPolicy([
      {
        name: 'payments only',
        decide: (_req, u) =>
          u?.info.ownershipEntityRefs.includes('group:default/payments')
            ? { result: AuthorizeResult.ALLOW }
            : { result: AuthorizeResult.DENY },
      },
    ]);
    await expect(
      policy.handle({ permission: readPermission }, user),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle({ permission: readPermission }, undefined),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});

describe('createPermissionPolicyModule', () => {
  it('makes the permission backend answer with the rules', async () => {
    const { server } = await startTestBackend({
      features: [
        permissionPlugin,
        createPermissionPolicyModule([
          {
            name: 'no deletes',
            decide: req =>
              req.permission.attributes.action === 'delete'
                ? { result: AuthorizeResult.DENY }
                : undefined,
          },
        ]),
        mockServices.rootConfig.factory({
          data: { permission: { enabled: true } },
        }),
      ],
    });
    const res = await request(server)
      .post('/api/permission/authorize')
      .set('authorization', mockCredentials.user.header())
      .send({
        items: [
          { id: '1', permission: readPermission },
          { id: '2', permission: deletePermission },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
      { id: '2', result: AuthorizeResult.DENY },
    ]);
  });
});
