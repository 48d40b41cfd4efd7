import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { examples } from './registerFile.examples';

/**
 * Creates the `catalog:register:file` action: registers an absolute path to a
 * catalog-info.yaml as a `file` location (the built-in `catalog:register` only registers
 * `url` locations, and the URL reader does not read `file:` URLs), then waits until the
 * catalog has processed the first entity of the file (up to `waitSeconds`, seconds).
 * Needs `file` among the catalog's allowed location types (see
 * `catalogModuleSlipwayFileLocations`). Registering a location that exists is not an
 * error, so re-runs work.
 */
export function createRegisterFileAction(options: { catalog: CatalogService }) {
  const { catalog } = options;
  return createTemplateAction({
    id: 'catalog:register:file',
    description:
      'Registers a catalog-info.yaml on this machine as a file location and waits for its entity to appear',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        catalogInfoPath: z => z.string().describe('Absolute path of the catalog-info.yaml'),
        waitSeconds: z =>
          z.number().min(0).max(300).default(60).describe('Seconds to wait for the entity, default 60'),
      },
      output: {
        entityRef: z => z.string().describe('Ref of the first entity of the file'),
        entityRefs: z => z.array(z.string()).describe('Refs of every entity of the file'),
      },
    },
    async handler(ctx) {
      const file = ctx.input.catalogInfoPath;
      if (!path.isAbsolute(file) || !file.endsWith('.yaml')) {
        throw new InputError(`catalogInfoPath "${file}" must be an absolute path to a .yaml file`);
      }
      let docs: Entity[];
      try {
        docs = yaml
          .parseAllDocuments(await fs.readFile(file, 'utf8'))
          .map(d => d.toJSON())
          .filter(Boolean);
      } catch (e) {
        if (ctx.isDryRun) {
          ctx.logger.info(`Dry run: would register file:${file}`);
          ctx.output('entityRef', 'component:default/dry-run');
          ctx.output('entityRefs', []);
          return;
        }
        throw new InputError(`catalogInfoPath: cannot read ${file}: ${isError(e) ? e.message : e}`);
      }
      const refs = docs.map(d =>
        stringifyEntityRef({
          kind: d.kind,
          namespace: d.metadata?.namespace ?? 'default',
          name: d.metadata?.name,
        }),
      );
      if (refs.length === 0) throw new InputError(`catalogInfoPath: ${file} has no entities`);
      ctx.output('entityRef', refs[0]);
      ctx.output('entityRefs', refs);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register file:${file} (${refs.join(', ')})`);
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      try {
        await catalog.addLocation({ type: 'file', target: file }, { credentials });
        ctx.logger.info(`Registered file:${file}`);
      } catch (e) {
        if (isError(e) && e.name === 'ConflictError') {
          ctx.logger.info(`file:${file} was registered already`);
        } else {
          throw e;
        }
      }
      const deadline = Date.now() + (ctx.input.waitSeconds ?? 60) * 1000;
      for (;;) {
        const entity = await catalog.getEntityByRef(refs[0], { credentials });
        if (entity) {
          ctx.logger.info(`${refs[0]} is in the catalog`);
          return;
        }
        if (Date.now() >= deadline) {
          ctx.logger.warn(`${refs[0]} is not in the catalog yet; it will appear after processing`);
          return;
        }
        await new Promise(r => setTimeout(r, 500));
      }
    },
  });
}
