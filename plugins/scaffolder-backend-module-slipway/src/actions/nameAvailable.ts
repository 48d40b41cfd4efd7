import { CatalogService } from '@backstage/plugin-catalog-node';
import { ConflictError, InputError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { assertDnsLabel } from '../config';
import { examples } from './nameAvailable.examples';

/**
 * Creates the `slipway:name:available` action: fails (ConflictError) when a catalog entity
 * `<kind>:default/<name>` exists, (InputError) when `name` is not a DNS-1123 label, and
 * (InputError) when `owner` names no entity in the catalog. Read-only, so it runs in dry
 * runs too.
 */
export function createNameAvailableAction(options: { catalog: CatalogService }) {
  const { catalog } = options;
  return createTemplateAction({
    id: 'slipway:name:available',
    description:
      'Checks that a new service name is a DNS-1123 label, that no catalog entity has it yet, and that its owner exists',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('The new service name (DNS-1123 label)'),
        kind: z =>
          z.string().default('Component').describe('Entity kind to look for, default Component'),
        owner: z =>
          z
            .string()
            .optional()
            .describe('Owner entity ref (e.g. group:default/payments) that must exist'),
      },
      output: {
        entityRef: z => z.string().describe('The entity ref the new service will get'),
        ownerRef: z => z.string().optional().describe('The owner, as a full entity ref'),
      },
    },
    async handler(ctx) {
      const name = assertDnsLabel('name', ctx.input.name);
      const kind = ctx.input.kind ?? 'Component';
      const entityRef = stringifyEntityRef({ kind, namespace: 'default', name });
      const credentials = await ctx.getInitiatorCredentials();
      const existing = await catalog.getEntityByRef(entityRef, { credentials });
      if (existing) {
        throw new ConflictError(
          `name: ${entityRef} already exists in the catalog; choose another name`,
        );
      }
      let ownerRef: string | undefined;
      if (ctx.input.owner) {
        try {
          ownerRef = stringifyEntityRef(
            parseEntityRef(ctx.input.owner, { defaultKind: 'Group', defaultNamespace: 'default' }),
          );
        } catch (e) {
          throw new InputError(`owner "${ctx.input.owner}" is not an entity ref`);
        }
        const owner = await catalog.getEntityByRef(ownerRef, { credentials });
        if (!owner) {
          throw new InputError(`owner ${ownerRef} does not exist in the catalog`);
        }
      }
      ctx.logger.info(`${entityRef} is available${ownerRef ? `; owner ${ownerRef} exists` : ''}`);
      ctx.output('entityRef', entityRef);
      if (ownerRef) ctx.output('ownerRef', ownerRef);
    },
  });
}
