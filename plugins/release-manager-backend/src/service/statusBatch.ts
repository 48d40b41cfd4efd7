import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityReleaseStatusBatchItem,
  EntityReleaseStatusBatchResponse,
  getReleaseManagerService,
  releaseManagerReleaseReadPermission,
  StatusResponse,
} from '@slipway/plugin-release-manager-common';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { toEntityReleaseStatus } from './entityStatus';

/** Most release-manager `GET /status` calls in flight for one batch. */
const CONCURRENCY = 16;

/** Runs `fn` over `items` with at most `limit` calls in flight; results in order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}

const failure = (entityRef: string, error: unknown) => {
  const e = error as Error;
  return {
    entityRef,
    error: { name: e?.name ?? 'Error', message: String(e?.message ?? e) },
  };
};

/**
 * The release status of many entities for one caller (`POST /status/batch`): the
 * entities are read from the catalog with the caller's credentials in one call,
 * `release-manager.release.read` is decided for all of them in one `authorize` call,
 * and the release manager is asked once per distinct service (16 at a time). Items come
 * back in the order of `entityRefs` (normalised), each with `status` or an `error`
 * (see `EntityReleaseStatusBatchItem`); one failing entity does not fail the batch.
 */
export async function statusOfMany(options: {
  entityRefs: string[];
  credentials: BackstageCredentials;
  catalog: CatalogService;
  permissions: PermissionsService;
  client: ReleaseManagerService;
  commitUrlTemplate: string;
}): Promise<EntityReleaseStatusBatchResponse> {
  const { credentials, catalog, permissions, client } = options;
  const refs = [...new Set(options.entityRefs)];
  const { items: entities } = await catalog.getEntitiesByRefs(
    { entityRefs: refs },
    { credentials },
  );
  const found = refs.flatMap((ref, i) => {
    const entity = entities[i];
    return entity ? [{ ref, entity }] : [];
  });
  const decisions = found.length
    ? await permissions.authorize(
        found.map(({ ref }) => ({
          permission: releaseManagerReleaseReadPermission,
          resourceRef: ref,
        })),
        { credentials },
      )
    : [];

  const byRef = new Map<string, EntityReleaseStatusBatchItem>();
  const wanted: { ref: string; entity: Entity; service: string }[] = [];
  found.forEach(({ ref, entity }, i) => {
    const service = getReleaseManagerService(entity);
    if (decisions[i].result !== AuthorizeResult.ALLOW) {
      byRef.set(
        ref,
        failure(ref, {
          name: 'NotAllowedError',
          message: `may not read the releases of ${ref}`,
        }),
      );
    } else if (!service) {
      byRef.set(
        ref,
        failure(ref, {
          name: 'NotFoundError',
          message: `${ref} has no slipway.dev/release-manager-service annotation`,
        }),
      );
    } else {
      wanted.push({ ref, entity, service });
    }
  });

  const services = [...new Set(wanted.map(w => w.service))];
  const answers = new Map<string, StatusResponse | Error>();
  await mapLimit(services, CONCURRENCY, async service => {
    answers.set(service, await client.status(service).catch((e: Error) => e));
  });
  for (const { ref, entity, service } of wanted) {
    const answer = answers.get(service)!;
    byRef.set(
      ref,
      answer instanceof Error
        ? failure(ref, answer)
        : {
            entityRef: ref,
            status: toEntityReleaseStatus({
              entity,
              service,
              status: answer,
              environments: client.connection.environments,
              commitUrlTemplate: options.commitUrlTemplate,
            }),
          },
    );
  }
  return {
    items: options.entityRefs.map(
      ref =>
        byRef.get(ref) ??
        failure(ref, {
          name: 'NotFoundError',
          message: `no entity ${ref} in the catalog`,
        }),
    ),
  };
}
