import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { resolveInside } from './workspacePath';

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; [k: string]: unknown };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(target: unknown, patch: unknown): unknown {
  if (!isObject(target) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(target[k], v);
  return out;
}

async function readDocs(file: string): Promise<Doc[]> {
  return yaml
    .parseAllDocuments(await fs.readFile(file, 'utf8'))
    .map(d => d.toJSON())
    .filter(isObject) as Doc[];
}

/**
 * Builds a kustomization folder into its Kubernetes documents. A subset of kustomize
 * (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/): `resources`
 * (files, or folders with their own kustomization.yaml, relative to `dir` and confined to
 * `root`), `namespace`, `commonLabels`/`labels` (pairs) and `patches`/`patchesStrategicMerge`
 * (`{path}` files merged into the resource of the same kind and name: maps merged, lists
 * replaced). Throws InputError on a missing file or a path outside `root`.
 */
export async function kustomizeBuild(dir: string, root: string): Promise<Doc[]> {
  const inside = (p: string) =>
    resolveInside(root, `kustomization ${dir}: path`, p, dir);
  let k: any;
  try {
    k = yaml.parse(await fs.readFile(path.join(dir, 'kustomization.yaml'), 'utf8')) ?? {};
  } catch (e) {
    throw new InputError(`no readable kustomization.yaml in ${dir}`);
  }
  let docs: Doc[] = [];
  for (const r of (k.resources ?? []) as string[]) {
    const abs = inside(r);
    const stat = await fs.stat(abs).catch(() => undefined);
    if (!stat) throw new InputError(`kustomization ${dir}: resource ${r} does not exist`);
    docs.push(...(stat.isDirectory() ? await kustomizeBuild(abs, root) : await readDocs(abs)));
  }
  const patchFiles: string[] = [
    ...((k.patches ?? []) as Array<{ path?: string }>).map(p => p.path).filter((p): p is string => !!p),
    ...((k.patchesStrategicMerge ?? []) as string[]),
  ];
  for (const p of patchFiles) {
    for (const patch of await readDocs(inside(p))) {
      const i = docs.findIndex(
        d => d.kind === patch.kind && d.metadata?.name === patch.metadata?.name,
      );
      if (i < 0) {
        throw new InputError(`kustomization ${dir}: patch ${p} matches no ${patch.kind} ${patch.metadata?.name}`);
      }
      docs[i] = merge(docs[i], patch) as Doc;
    }
  }
  const labels: Record<string, string> = {
    ...(k.commonLabels ?? {}),
    ...Object.assign({}, ...((k.labels ?? []) as Array<{ pairs?: Record<string, string> }>).map(l => l.pairs ?? {})),
  };
  docs = docs.map(d => {
    const metadata = { ...(d.metadata ?? {}) };
    if (k.namespace) metadata.namespace = k.namespace;
    if (Object.keys(labels).length) metadata.labels = { ...(metadata.labels ?? {}), ...labels };
    return { ...d, metadata };
  });
  return docs;
}

/**
 * Renders each environment's overlay `<deployDir>/overlays/<env>` (or `<deployDir>/base`
 * when an environment has no overlay) into the release manager's manifests shape:
 * environment → `NN-<kind>-<name>.yaml` → YAML text.
 */
export async function renderManifests(
  deployDir: string,
  environments: readonly string[],
): Promise<Record<string, Record<string, string>>> {
  const result: Record<string, Record<string, string>> = {};
  for (const env of environments) {
    const overlay = path.join(deployDir, 'overlays', env);
    const dir = (await fs.stat(overlay).catch(() => undefined)) ? overlay : path.join(deployDir, 'base');
    const docs = await kustomizeBuild(dir, deployDir);
    result[env] = Object.fromEntries(
      docs.map((d, i) => [
        `${String((i + 1) * 10).padStart(2, '0')}-${String(d.kind ?? 'doc').toLowerCase()}-${d.metadata?.name ?? i}.yaml`,
        yaml.stringify(d),
      ]),
    );
  }
  return result;
}
