import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Triggering an incident for a catalog entity (a resource permission on the entity, so a
 * policy can decide by owner). Checked by `POST /entities/:namespace/:kind/:name/incidents`.
 *
 * @public
 */
export const onCallIncidentCreatePermission = createPermission({
  name: 'on-call.incident.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Acknowledging or resolving an incident of a catalog entity (resource permission on the
 * incident's entity). Checked by `POST /incidents/:id/acknowledge` and `/resolve`.
 *
 * @public
 */
export const onCallIncidentUpdatePermission = createPermission({
  name: 'on-call.incident.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/** Every permission of the on-call plugin. @public */
export const onCallPermissions = [
  onCallIncidentCreatePermission,
  onCallIncidentUpdatePermission,
];
