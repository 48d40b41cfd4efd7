import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  IncidentsBatchResponse,
  MAX_INCIDENTS_BATCH_SIZE,
  onCallIncidentCreatePermission,
  onCallIncidentUpdatePermission,
} from '@slipway/plugin-on-call-common';
import { IncidentStore } from './database/IncidentStore';
import { ProviderRegistry } from './providers/registry';
import { PeopleResolver } from './providers/types';

/** Dependencies of {@link createRouter}. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  logger: LoggerService;
  providers: ProviderRegistry;
  incidents: IncidentStore;
  people: PeopleResolver;
}

const triggerSchema = z.object({
  title: z
    .string({ error: 'is required' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(255, { error: 'must be at most 255 characters' }),
  description: z
    .string()
    .trim()
    .max(10_000, { error: 'must be at most 10000 characters' })
    .optional(),
  urgency: z
    .enum(['high', 'low'], { error: "must be 'high' or 'low'" })
    .default('high'),
});

const batchSchema = z.object({
  entityRefs: z
    .array(
      z.string().transform((value, ctx) => {
        try {
          return stringifyEntityRef(parseEntityRef(value));
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: 'must be an entity ref like component:default/ledger',
          });
          return z.NEVER;
        }
      }),
    )
    .min(1, { error: 'must not be empty' })
    .max(MAX_INCIDENTS_BATCH_SIZE, {
      error: `must have at most ${MAX_INCIDENTS_BATCH_SIZE} refs`,
    }),
});

/** Most provider `listIncidents` calls in flight for one batch. */
const BATCH_CONCURRENCY = 8;

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues
        .map(i => `${i.path.length ? i.path.join('.') : 'body'} ${i.message}`)
        .join('; '),
    );
  }
  return parsed.data;
}

/**
 * The on-call HTTP API, mounted at `/api/on-call`:
 *
 * - `GET  /entities/:namespace/:kind/:name/on-call`   → `EntityOnCall`
 * - `GET  /entities/:namespace/:kind/:name/incidents` → `{ items: Incident[] }` (open ones)
 * - `POST /incidents/batch` `{ entityRefs }` (1 to 500) → `IncidentsBatchResponse`: the
 *   open incidents of many entities in one request (for service health); entities are
 *   read with the caller's credentials in one catalog call, so an entity the caller may
 *   not read is `NotFoundError`, as on the single route; one failing entity does not
 *   fail the batch
 * - `POST /entities/:namespace/:kind/:name/incidents` `{ title, description?, urgency? }`
 *   → 201 (embedded) or 202 (PagerDuty, Opsgenie: accepted) `TriggerIncidentResult`;
 *   needs a signed-in user and `on-call.incident.create` on the entity
 * - `POST /incidents/:id/acknowledge`, `POST /incidents/:id/resolve` → `Incident`
 *   (embedded incidents; needs `on-call.incident.update` on the incident's entity)
 *
 * Errors: 400 bad input (names the field), 401 no user, 403 not permitted, 404 unknown
 * entity / schedule / incident, 409 already acknowledged or resolved, 501 provider
 * cannot do this, 503 provider down or rate-limited.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, providers, incidents, people } =
    options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  async function loadEntity(
    req: express.Request,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    const { namespace, kind, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(
        `No entity ${kind}:${namespace}/${name} in the catalog`,
      );
    }
    return entity;
  }

  async function authorize(
    permission: ResourcePermission<'catalog-entity'>,
    resourceRef: string,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await permissions.authorize(
      [
        {
          permission,
          resourceRef,
        },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to ${permission.name} for ${resourceRef}`,
      );
    }
  }

  router.get('/entities/:namespace/:kind/:name/on-call', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entity = await loadEntity(req, credentials);
    res.json(await providers.forEntity(entity).getOnCall(entity));
  });

  router.get('/entities/:namespace/:kind/:name/incidents', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entity = await loadEntity(req, credentials);
    res.json({
      items: await providers.forEntity(entity).listIncidents(entity),
    });
  });

  router.post('/incidents/batch', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRefs } = parseBody(batchSchema, req.body);
    const unique = [...new Set(entityRefs)];
    const { items: entities } = await catalog.getEntitiesByRefs(
      { entityRefs: unique },
      { credentials },
    );
    const byRef = new Map<string, IncidentsBatchResponse['items'][number]>();
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const i = next++;
        const entityRef = unique[i];
        const entity = entities[i];
        if (!entity) {
          byRef.set(entityRef, {
            entityRef,
            error: {
              name: 'NotFoundError',
              message: `No entity ${entityRef} in the catalog`,
            },
          });
          continue;
        }
        try {
          const items = await providers.forEntity(entity).listIncidents(entity);
          byRef.set(entityRef, { entityRef, items });
        } catch (e) {
          const error = e as Error;
          byRef.set(entityRef, {
            entityRef,
            error: { name: error.name, message: error.message },
          });
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(BATCH_CONCURRENCY, unique.length) },
        worker,
      ),
    );
    const body: IncidentsBatchResponse = {
      items: entityRefs.map(ref => byRef.get(ref)!),
    };
    res.json(body);
  });

  router.post(
    '/entities/:namespace/:kind/:name/incidents',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parseBody(triggerSchema, req.body);
      const entity = await loadEntity(req, credentials);
      const entityRef = stringifyEntityRef(entity);
      await authorize(onCallIncidentCreatePermission, entityRef, credentials);
      const provider = providers.forEntity(entity);
      const userEntityRef = credentials.principal.userEntityRef;
      const person = (await people.resolve([userEntityRef])).get(userEntityRef);
      const result = await provider.triggerIncident(entity, body, {
        userEntityRef,
        name: person?.name,
        email: person?.email,
      });
      options.logger.info(
        `Incident triggered for ${entityRef} by ${userEntityRef} via ${provider.id}: ${result.incident.id}`,
      );
      res.status(provider.id === 'embedded' ? 201 : 202).json(result);
    },
  );

  for (const verb of ['acknowledge', 'resolve'] as const) {
    router.post(`/incidents/:id/${verb}`, async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { id } = req.params;
      const provider = /^(pagerduty|opsgenie)(-\w+)?:/.exec(id)?.[1];
      if (provider) {
        throw new NotImplementedError(
          `${
            provider === 'pagerduty' ? 'PagerDuty' : 'Opsgenie'
          } incidents are ${verb}d in ${
            provider === 'pagerduty' ? 'PagerDuty' : 'Opsgenie'
          } itself; open the incident's link`,
        );
      }
      const incident = await incidents.get(id);
      if (!incident) throw new NotFoundError(`No incident ${id}`);
      await authorize(
        onCallIncidentUpdatePermission,
        incident.entityRef!,
        credentials,
      );
      const user = credentials.principal.userEntityRef;
      res.json(
        verb === 'acknowledge'
          ? await incidents.acknowledge(id, user)
          : await incidents.resolve(id, user),
      );
    });
  }

  return router;
}
