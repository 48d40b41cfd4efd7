import { NotFoundError } from '@backstage/errors';
import { ArtifactStore } from '../artifacts/ArtifactStore';
import { ArtifactSpec } from '../http/types';

/**
 * The spec of artifact `id` of `service` (an id already checked against the rule set).
 * @throws NotFoundError when the store does not have it
 */
export async function requireArtifact(
  store: ArtifactStore,
  service: string,
  id: string,
): Promise<ArtifactSpec> {
  const a = await store.get(service, id);
  if (!a) {
    throw new NotFoundError(
      `artifact '${id}' not found for service '${service}'`,
    );
  }
  return a.spec;
}

/**
 * The newest artifact of `service` built from `branch`.
 * @throws NotFoundError when the branch has none
 */
export async function latestArtifactOfBranch(
  store: ArtifactStore,
  service: string,
  branch: string,
): Promise<ArtifactSpec> {
  const [latest] = await store.list(service, { branch, limit: 1 });
  if (!latest) {
    throw new NotFoundError(
      `no artifacts available for service '${service}' and branch '${branch}'`,
    );
  }
  return latest.spec;
}
