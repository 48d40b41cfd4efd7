import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, UserEntity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** The person recorded as committer of a release or policy change in the config repo. */
export type Committer = { name: string; email: string };

/**
 * Looks up the signed-in user's catalog entity (as the plugin itself, so the user does
 * not need read access to users) and returns its `spec.profile.displayName` and
 * `spec.profile.email`. Falls back to the entity name, and to
 * `<name>@users.noreply.backstage` as email, when the user has no entity or no email.
 */
export async function lookupCommitter(
  userEntityRef: string,
  catalog: CatalogService,
  auth: AuthService,
): Promise<Committer> {
  const ref = parseEntityRef(userEntityRef);
  const entity = (await catalog.getEntityByRef(userEntityRef, {
    credentials: await auth.getOwnServiceCredentials(),
  })) as UserEntity | undefined;
  const profile = entity?.spec?.profile;
  return {
    name: profile?.displayName || entity?.metadata.title || ref.name,
    email: profile?.email || `${ref.name}@users.noreply.backstage`,
  };
}
