import { Entity } from '@backstage/catalog-model';

/**
 * Annotation naming the service in the release manager that a catalog entity maps to
 * (for example `payment-gateway`). Without it the entity has no release state and the
 * plugin shows a missing-annotation state.
 */
export const RELEASE_MANAGER_SERVICE_ANNOTATION =
  'slipway.dev/release-manager-service';

/**
 * Annotation naming the Kubernetes namespace the service is released into (for example
 * `payments`). Optional: the release manager falls back to the artifact's namespace.
 */
export const RELEASE_MANAGER_NAMESPACE_ANNOTATION =
  'slipway.dev/release-manager-namespace';

/**
 * The release-manager service an entity maps to, from its
 * {@link RELEASE_MANAGER_SERVICE_ANNOTATION}; `undefined` when it has none.
 */
export function getReleaseManagerService(entity: Entity): string | undefined {
  const value =
    entity.metadata.annotations?.[RELEASE_MANAGER_SERVICE_ANNOTATION]?.trim();
  return value ? value : undefined;
}

/**
 * The namespace from the entity's {@link RELEASE_MANAGER_NAMESPACE_ANNOTATION};
 * `undefined` when it has none.
 */
export function getReleaseManagerNamespace(entity: Entity): string | undefined {
  const value =
    entity.metadata.annotations?.[RELEASE_MANAGER_NAMESPACE_ANNOTATION]?.trim();
  return value ? value : undefined;
}

/** True when the entity has a {@link RELEASE_MANAGER_SERVICE_ANNOTATION}. */
export function isReleaseManagerAvailable(entity: Entity): boolean {
  return Boolean(getReleaseManagerService(entity));
}
