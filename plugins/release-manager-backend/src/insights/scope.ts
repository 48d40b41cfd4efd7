import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  getReleaseManagerService,
  InsightsScope,
  InsightsScopeEntity,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  releaseManagerReleaseReadPermission,
} from '@slipway/plugin-release-manager-common';

/** The catalog filter value "the field exists" (the same symbol as @backstage/catalog-client's CATALOG_FILTER_EXISTS). */
const CATALOG_EXISTS = Symbol.for(
  'CATALOG_FILTER_EXISTS_0e15b590c0b343a2bae3e787e84c2111',
);

/** At most this many entity refs per request. */
export const MAX_SCOPE_REFS = 20;

/** A resolved scope: what an answer covers, and the services to ask the release manager about. */
export interface ResolvedScope extends InsightsScope {
  services: string[];
  /** The catalog entities (for incidents), by ref. */
  entityByRef: Map<string, Entity>;
}

const ANNOTATED = `metadata.annotations.${RELEASE_MANAGER_SERVICE_ANNOTATION}`;

/**
 * Parses `entityRef` (comma-separated, or repeated): 1–{@link MAX_SCOPE_REFS} refs of
 * Groups, Systems, Users or Components.
 * @throws InputError naming `entityRef`
 */
export function parseScopeRefs(value: unknown): CompoundEntityRef[] {
  const parts = (Array.isArray(value) ? value : [value])
    .flatMap(v => (typeof v === 'string' ? v.split(',') : []))
    .map(s => s.trim())
    .filter(Boolean);
  if (!parts.length)
    throw new InputError(
      'entityRef is required: a group, system, user or component ref',
    );
  if (parts.length > MAX_SCOPE_REFS)
    throw new InputError(`entityRef: at most ${MAX_SCOPE_REFS} refs`);
  return parts.map(p => {
    let ref: CompoundEntityRef;
    try {
      ref = parseEntityRef(p);
    } catch {
      throw new InputError(
        `entityRef: '${p}' is not an entity ref like group:default/payments`,
      );
    }
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (!['group', 'system', 'user', 'component'].includes(kind))
      throw new InputError(
        `entityRef: '${p}' must be a group, system, user or component`,
      );
    return { ...ref, kind };
  });
}

/**
 * The annotated components a set of entities stands for, read with the caller's
 * credentials (so the catalog's own read permission applies) and kept only where
 * the caller holds `release-manager.release.read` (one authorize call):
 *
 * - a Group: the components it owns (`relations.ownedBy`); a User: those its groups
 *   and itself own; a System: its components (`relations.partOf`); a Component: itself;
 * - with `dependencies`, also the annotated components those depend on (`dependsOn`).
 *
 * @throws NotFoundError when an asked-for entity is not in the catalog (or not visible)
 */
export async function resolveScope(options: {
  refs: CompoundEntityRef[];
  dependencies: boolean;
  credentials: BackstageCredentials;
  catalog: CatalogService;
  permissions: PermissionsService;
}): Promise<ResolvedScope> {
  const { catalog, credentials, permissions } = options;
  const entityRefs = options.refs.map(r => stringifyEntityRef(r));
  const { items: asked } = await catalog.getEntitiesByRefs(
    { entityRefs },
    { credentials },
  );
  const owners = new Set<string>();
  const systems: string[] = [];
  const direct: Entity[] = [];
  asked.forEach((entity, i) => {
    if (!entity)
      throw new NotFoundError(`no entity ${entityRefs[i]} in the catalog`);
    const kind = entity.kind.toLocaleLowerCase('en-US');
    if (kind === 'group') owners.add(entityRefs[i]);
    else if (kind === 'system') systems.push(entityRefs[i]);
    else if (kind === 'component') direct.push(entity);
    else if (kind === 'user') {
      owners.add(entityRefs[i]);
      for (const r of entity.relations ?? [])
        if (r.type === 'memberOf') owners.add(r.targetRef);
    }
  });

  const found = new Map<
    string,
    { entity: Entity; relation: 'owned' | 'dependency' }
  >();
  const add = (list: Entity[], relation: 'owned' | 'dependency') => {
    for (const e of list) {
      const ref = stringifyEntityRef(e);
      if (getReleaseManagerService(e) && !found.has(ref))
        found.set(ref, { entity: e, relation });
    }
  };
  add(direct, 'owned');
  const filters: Record<string, string | symbol | string[]>[] = [];
  if (owners.size)
    filters.push({
      kind: 'component',
      'relations.ownedBy': [...owners],
      [ANNOTATED]: CATALOG_EXISTS,
    });
  if (systems.length)
    filters.push({
      kind: 'component',
      'relations.partOf': systems,
      [ANNOTATED]: CATALOG_EXISTS,
    });
  if (filters.length) {
    const { items } = await catalog.getEntities(
      { filter: filters },
      { credentials },
    );
    add(items, 'owned');
  }
  if (options.dependencies) {
    const deps = new Set<string>();
    for (const { entity } of found.values())
      for (const r of entity.relations ?? [])
        if (r.type === 'dependsOn' && !found.has(r.targetRef))
          deps.add(r.targetRef);
    if (deps.size) {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: [...deps] },
        { credentials },
      );
      add(
        items.filter((e): e is Entity => Boolean(e)),
        'dependency',
      );
    }
  }

  const all = [...found.entries()];
  const decisions = all.length
    ? await permissions.authorize(
        all.map(([ref]) => ({
          permission: releaseManagerReleaseReadPermission,
          resourceRef: ref,
        })),
        { credentials },
      )
    : [];
  const entities: InsightsScopeEntity[] = [];
  const entityByRef = new Map<string, Entity>();
  all.forEach(([ref, { entity, relation }], i) => {
    if (decisions[i].result !== AuthorizeResult.ALLOW) return;
    entityByRef.set(ref, entity);
    entities.push({
      entityRef: ref,
      service: getReleaseManagerService(entity)!,
      title: entity.metadata.title ?? entity.metadata.name,
      relation,
    });
  });
  entities.sort((a, b) => a.service.localeCompare(b.service));
  return {
    entityRefs,
    entities,
    services: [...new Set(entities.map(e => e.service))],
    entityByRef,
    warnings: [],
  };
}
