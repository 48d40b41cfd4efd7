import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read a service's release state, artifacts, history and policies. A resource
 * permission on the catalog entity; the portal's policy allows it for everyone signed in.
 */
export const releaseManagerReleaseReadPermission = createPermission({
  name: 'release-manager.release.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Release an artifact, promote or roll back a service (a new commit in the config repo).
 * A resource permission on the catalog entity; the portal's policy allows it for the
 * entity's owners.
 */
export const releaseManagerReleaseCreatePermission = createPermission({
  name: 'release-manager.release.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create or delete a service's auto-release and branch-restriction policies. A resource
 * permission on the catalog entity; the portal's policy allows it for the entity's owners.
 */
export const releaseManagerPolicyUpdatePermission = createPermission({
  name: 'release-manager.policy.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Break glass (release into a frozen environment) or override failing promotion gates,
 * with a typed reason recorded in the commit and the events feed. A resource permission
 * on the catalog entity, asked for in addition to `release-manager.release.create`; the
 * portal's policy allows it for the entity's owners.
 */
export const releaseManagerReleaseBreakGlassPermission = createPermission({
  name: 'release-manager.release.break-glass',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the release-manager plugin (for the permissions registry). */
export const releaseManagerPermissions = [
  releaseManagerReleaseReadPermission,
  releaseManagerReleaseCreatePermission,
  releaseManagerPolicyUpdatePermission,
  releaseManagerReleaseBreakGlassPermission,
];
