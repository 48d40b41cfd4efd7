import { HttpAuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BatchHealthResponse,
  EntityHealth,
} from '@slipway/plugin-service-health-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HealthService } from './lib/HealthService';

/** Most entity refs one `POST /health/batch` accepts. */
export const MAX_BATCH_SIZE = 1000;

const entityRefSchema = z.string().refine(
  ref => {
    try {
      parseEntityRef(ref);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an entity ref like component:default/ledger' },
);
const batchSchema = z.object({
  entityRefs: z.array(entityRefSchema).min(1).max(MAX_BATCH_SIZE),
});

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`,
    )
    .join('');
  return `${path || 'body'}: ${issue.message}`;
}

/**
 * The plugin's routes, under /api/service-health:
 *
 * - `GET /health/:namespace/:kind/:name` → {@link EntityHealth}; 404 when the entity does
 *   not exist or the caller may not read it.
 * - `POST /health/batch` with `{ "entityRefs": ["component:default/ledger", ...] }` (1 to
 *   1000 refs) → {@link BatchHealthResponse}, items in the order asked, unknown entities
 *   with `error: "not found"`. One catalog call and at most one Prometheus query per
 *   (signal, entity), deduplicated and cached (see HealthService).
 *
 * Both need user or service credentials; the catalog is read on the caller's behalf.
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  catalog: CatalogService;
  health: HealthService;
}): Promise<express.Router> {
  const { httpAuth, catalog, health } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health/:namespace/:kind/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const ref = stringifyEntityRef({
      kind: req.params.kind,
      namespace: req.params.namespace,
      name: req.params.name,
    });
    const entity = await catalog.getEntityByRef(ref, { credentials });
    if (!entity) throw new NotFoundError(`entity ${ref} not found`);
    const result: EntityHealth = await health.getHealth(entity, credentials);
    res.json(result);
  });

  router.post('/health/batch', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const parsed = batchSchema.safeParse(req.body);
    if (!parsed.success) throw new InputError(zodMessage(parsed.error));
    const refs = parsed.data.entityRefs.map(ref =>
      stringifyEntityRef(parseEntityRef(ref)),
    );
    const unique = [...new Set(refs)];
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: unique },
      { credentials },
    );
    const found = items.flatMap(e => (e ? [e] : []));
    const computed = await health.getHealthOfMany(found, credentials);
    const byRef = new Map(computed.map(h => [h.entityRef, h]));
    const response: BatchHealthResponse = {
      items: refs.map(entityRef => {
        const h = byRef.get(entityRef);
        return h ? { entityRef, health: h } : { entityRef, error: 'not found' };
      }),
    };
    res.json(response);
  });

  return router;
}
