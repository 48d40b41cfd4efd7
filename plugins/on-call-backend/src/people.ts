import type { AuthService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { OnCallPerson } from '@slipway/plugin-on-call-common';
import type { PeopleResolver } from './providers/types';

/**
 * Resolves user entity refs to names and e-mails through the catalog (with the plugin's
 * own service credentials). Unknown refs, or a catalog that fails, fall back to the ref.
 */
export class CatalogPeopleResolver implements PeopleResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger?: { warn(message: string): void },
  ) {}

  async resolve(refs: string[]): Promise<Map<string, OnCallPerson>> {
    const result = new Map<string, OnCallPerson>(
      refs.map(ref => [ref, { ref, name: ref }]),
    );
    if (refs.length === 0) return result;
    try {
      const { items } = await this.catalog.getEntitiesByRefs(
        {
          entityRefs: refs,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
            'spec.profile',
          ],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      items.forEach((entity, i) => {
        if (!entity) return;
        const profile = (entity.spec as any)?.profile ?? {};
        result.set(refs[i], {
          ref: refs[i],
          name:
            profile.displayName ??
            entity.metadata.title ??
            entity.metadata.name,
          email: profile.email,
        });
      });
    } catch (e) {
      this.logger?.warn(
        `Could not look up on-call people in the catalog: ${e}`,
      );
    }
    return result;
  }
}
