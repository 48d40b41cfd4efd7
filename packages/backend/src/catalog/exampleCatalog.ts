import {
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  domainEntityV1alpha1Validator,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  groupEntityV1alpha1Validator,
  KindValidator,
  locationEntityV1alpha1Validator,
  NoForeignRootFieldsEntityPolicy,
  parseEntityRef,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import yaml from 'js-yaml';

/** An entity read from a file of the example catalog. */
export type LoadedEntity = { file: string; entity: Entity };

const kindValidators: KindValidator[] = [
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
  templateEntityV1beta3Validator,
];

const policy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

/**
 * Reads every entity reachable from a catalog file (following `kind: Location`
 * targets, which are relative to the file that names them), the way the catalog's file
 * reader does. Throws an Error naming the file when a file is missing or not YAML.
 *
 * @param rootFile - absolute path, e.g. the repository's catalog-info.yaml
 */
export function loadCatalogFiles(rootFile: string): LoadedEntity[] {
  const seen = new Set<string>();
  const out: LoadedEntity[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${file}: file not found`);
    let docs: unknown[];
    try {
      docs = yaml.loadAll(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not valid YAML: ${(e as Error).message}`);
    }
    for (const doc of docs) {
      if (doc === null || doc === undefined) continue;
      const entity = doc as Entity;
      out.push({ file, entity });
      if (entity.kind === 'Location') {
        const spec = (entity.spec ?? {}) as { target?: string; targets?: string[] };
        for (const t of [spec.target, ...(spec.targets ?? [])]) {
          if (t) visit(resolve(dirname(file), t));
        }
      }
    }
  };
  visit(rootFile);
  return out;
}

/**
 * Validates entities as the catalog does (envelope, field formats, kind schemas), and
 * also what the catalog only warns about later: every relation target (owner, system,
 * domain, APIs, dependencies, memberOf, parent) names an entity in the set, and every
 * `$text`/`$yaml`/`$json` placeholder points at an existing file.
 *
 * @returns one message per problem, each starting with the file path relative to `root`
 */
export async function validateEntities(
  loaded: LoadedEntity[],
  root: string,
): Promise<string[]> {
  const problems: string[] = [];
  const refs = new Set(loaded.map(l => stringifyEntityRef(l.entity).toLowerCase()));
  for (const { file, entity: raw } of loaded) {
    const where = `${relative(root, file)}: ${raw?.kind ?? '?'} ${raw?.metadata?.name ?? '?'}`;
    const missing: string[] = [];
    const entity = resolvePlaceholders(raw, dirname(file), missing) as Entity;
    for (const path of missing) {
      problems.push(`${where}: placeholder file ${path} not found`);
    }
    try {
      await policy.enforce(entity);
      let known = false;
      for (const validator of kindValidators) {
        if (await validator.check(entity)) known = true;
      }
      if (!known) problems.push(`${where}: unknown kind or apiVersion`);
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
      continue;
    }
    for (const [field, defaultKind, target] of relationTargets(entity)) {
      let ref: string;
      try {
        ref = stringifyEntityRef(
          parseEntityRef(target, {
            defaultKind,
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ).toLowerCase();
      } catch (e) {
        problems.push(`${where}: ${field} "${target}": ${(e as Error).message}`);
        continue;
      }
      if (!refs.has(ref)) {
        problems.push(`${where}: ${field} "${target}" names no entity in the catalog`);
      }
    }
  }
  return problems;
}

function relationTargets(entity: Entity): Array<[string, string, string]> {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const out: Array<[string, string, string]> = [];
  const add = (field: string, kind: string) => {
    const v = spec[field];
    const targets = Array.isArray(v) ? v : [v];
    for (const t of targets) {
      if (typeof t === 'string') out.push([`spec.${field}`, kind, t]);
    }
  };
  if (entity.kind === 'Template') {
    add('owner', 'group');
    return out;
  }
  add('owner', 'group');
  add('system', 'system');
  add('domain', 'domain');
  add('providesApis', 'api');
  add('consumesApis', 'api');
  add('dependsOn', 'component');
  add('memberOf', 'group');
  add('parent', 'group');
  add('children', 'group');
  add('subcomponentOf', 'component');
  return out;
}

/**
 * Replaces `{ $text: path }`, `{ $yaml: path }` and `{ $json: path }` with the file's
 * content, as the catalog's placeholder processor does; a missing file becomes a
 * short note and its path is added to `missing`.
 */
function resolvePlaceholders(
  value: unknown,
  dir: string,
  missing: string[],
): unknown {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map(v => resolvePlaceholders(v, dir, missing));
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && ['$text', '$yaml', '$json'].includes(keys[0])) {
    const path = obj[keys[0]];
    if (typeof path !== 'string' || /^https?:/.test(path)) return '';
    const full = resolve(dir, path);
    if (!existsSync(full)) {
      missing.push(path);
      return `(missing file ${path})`;
    }
    const text = readFileSync(full, 'utf8');
    if (keys[0] === '$text') return text;
    return keys[0] === '$json' ? JSON.parse(text) : yaml.load(text);
  }
  return Object.fromEntries(
    keys.map(k => [k, resolvePlaceholders(obj[k], dir, missing)]),
  );
}
