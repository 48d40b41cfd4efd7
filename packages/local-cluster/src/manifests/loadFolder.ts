import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { run, runAllowFailure } from '../exec';

/** A release folder that cannot be applied; `message` says why, for people. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** A Kubernetes object as parsed from YAML (only `kind` is guaranteed). */
export type KubeObject = { kind: string; [key: string]: any };

/** What a release folder holds. */
export interface FolderContent {
  /** Every Kubernetes object, in file order (kustomize's output order with a kustomization). */
  objects: KubeObject[];
  /** `id` of the folder's `artifact.json` (written by the release manager), if any. */
  artifactId?: string;
  /** `kustomize` when rendered by `kubectl kustomize`, else `files`. */
  renderedBy: 'kustomize' | 'files';
}

const KUSTOMIZATION_FILES = [
  'kustomization.yaml',
  'kustomization.yml',
  'Kustomization',
];
/** Kustomization fields that hold file or folder references (possibly nested in lists of objects). */
const PATH_FIELDS = new Set([
  'resources',
  'bases',
  'components',
  'crds',
  'patchesStrategicMerge',
  'path',
  'files',
  'envs',
  'env',
  'generators',
  'transformers',
  'validators',
  'configurations',
]);

/**
 * Reads the Kubernetes objects of one release folder `dir` (`<env>/releases/<ns>/<svc>/`
 * inside the checkout `root`). With a kustomization file it renders the folder with
 * `kubectl kustomize` (kustomize v5; a plain `resources:` list is read directly when
 * kubectl is missing); otherwise it reads every `*.yaml`/`*.yml` file below `dir`, in
 * path order.
 * @throws ManifestError when a file or symlink points outside `dir`, a kustomization
 *   references something outside it, YAML is invalid, or kustomize fails
 */
export async function loadFolder(
  root: string,
  dir: string,
): Promise<FolderContent> {
  const rel = path.relative(root, dir);
  const realRoot = fs.realpathSync(root);
  const realDir = realpathInside(dir, realRoot, rel);
  const files = walk(realDir, realDir, rel);
  const artifactId = readArtifactId(realDir);
  const kustomization = KUSTOMIZATION_FILES.find(f =>
    fs.existsSync(path.join(realDir, f)),
  );
  if (kustomization) {
    const objects = await kustomize(realDir, kustomization, rel);
    return { objects, artifactId, renderedBy: 'kustomize' };
  }
  const objects: KubeObject[] = [];
  for (const f of files.filter(x => /\.ya?ml$/.test(x)).sort()) {
    objects.push(
      ...parseObjects(
        fs.readFileSync(path.join(realDir, f), 'utf8'),
        `${rel}/${f}`,
      ),
    );
  }
  return { objects, artifactId, renderedBy: 'files' };
}

function realpathInside(p: string, realParent: string, rel: string): string {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    throw new ManifestError(`${rel}: a symlink whose target does not exist`);
  }
  if (real !== realParent && !real.startsWith(realParent + path.sep)) {
    throw new ManifestError(
      `${rel} escapes its folder: it resolves to ${real}, outside ${realParent}`,
    );
  }
  return real;
}

/** Relative paths of every regular file below `dir`; rejects symlinks that leave `realDir`. */
function walk(dir: string, realDir: string, rel: string): string[] {
  const out: string[] = [];
  const visit = (sub: string) => {
    for (const e of fs.readdirSync(path.join(dir, sub), {
      withFileTypes: true,
    })) {
      const p = sub ? `${sub}/${e.name}` : e.name;
      if (e.name === '.git') continue;
      if (e.isSymbolicLink()) {
        const target = fs.readlinkSync(path.join(dir, p));
        let real: string;
        try {
          real = fs.realpathSync(path.join(dir, p));
        } catch {
          throw new ManifestError(
            `${rel}/${p} is a symlink to ${target}, which does not exist`,
          );
        }
        if (!real.startsWith(realDir + path.sep)) {
          throw new ManifestError(
            `${rel}/${p} escapes its folder: it is a symlink to ${target}, outside ${rel}`,
          );
        }
        if (fs.statSync(real).isDirectory()) visit(p);
        else out.push(p);
      } else if (e.isDirectory()) {
        visit(p);
      } else if (e.isFile()) {
        out.push(p);
      }
    }
  };
  visit('');
  return out;
}

function readArtifactId(dir: string): string | undefined {
  try {
    const spec = JSON.parse(
      fs.readFileSync(path.join(dir, 'artifact.json'), 'utf8'),
    );
    return typeof spec?.id === 'string' ? spec.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a multi-document YAML text into Kubernetes objects (`List` kinds are
 * flattened; empty documents skipped).
 * @throws ManifestError naming `source` and the line of the first YAML error
 */
export function parseObjects(text: string, source: string): KubeObject[] {
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  const out: KubeObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      const err = doc.errors[0];
      const line = err.linePos?.[0]?.line;
      throw new ManifestError(
        `invalid YAML in ${source}${
          line ? ` at line ${line}` : ''
        }: ${err.message.split('\n')[0].replace(/:\s*$/, '')}`,
      );
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new ManifestError(
        `${source}: a YAML document is not a Kubernetes object (no mapping with apiVersion and kind)`,
      );
    }
    if (typeof value.kind !== 'string' || !value.kind) {
      throw new ManifestError(`${source}: a YAML document has no kind`);
    }
    if (value.kind.endsWith('List') && Array.isArray(value.items)) {
      out.push(...(value.items as KubeObject[]));
    } else {
      out.push(value as KubeObject);
    }
  }
  return out;
}

/** References in a kustomization that leave its folder: `..`, absolute paths, URLs. */
function escapingReferences(value: unknown, key?: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap(v => escapingReferences(v, key));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => escapingReferences(v, k));
  }
  if (typeof value !== 'string' || !key || !PATH_FIELDS.has(key)) return [];
  if (value.includes('\n')) return []; // an inline patch
  const ref = value.includes('=') ? value.slice(value.indexOf('=') + 1) : value;
  if (
    ref.startsWith('/') ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) ||
    ref.split(/[\\/]/).includes('..')
  ) {
    return [ref];
  }
  return [];
}

let kubectlCheck: Promise<boolean> | undefined;
function hasKubectl(): Promise<boolean> {
  kubectlCheck ??= runAllowFailure('kubectl', ['version', '--client'], {
    timeoutMs: 30_000,
  }).then(r => r.code === 0);
  return kubectlCheck;
}

async function kustomize(
  dir: string,
  file: string,
  rel: string,
): Promise<KubeObject[]> {
  const k = parseKustomization(dir, file, rel);
  const bad = escapingReferences(k);
  if (bad.length) {
    throw new ManifestError(
      `${rel}/${file} escapes its folder: it references ${bad
        .map(b => `'${b}'`)
        .join(', ')}; only files inside ${rel} may be used`,
    );
  }
  if (!(await hasKubectl())) return plainResources(dir, file, rel, k);
  try {
    const { stdout } = await run('kubectl', ['kustomize', dir], {
      timeoutMs: 60_000,
    });
    return parseObjects(stdout, `kubectl kustomize ${rel}`);
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    const msg = (e as Error).message
      .replace(/^kubectl kustomize failed \(exit -?\d+\): /, '')
      .split(dir)
      .join(rel);
    throw new ManifestError(`kustomize build of ${rel} failed: ${msg}`);
  }
}

function parseKustomization(
  dir: string,
  file: string,
  rel: string,
): Record<string, unknown> {
  const doc = YAML.parseDocument(fs.readFileSync(path.join(dir, file), 'utf8'));
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line;
    throw new ManifestError(
      `invalid YAML in ${rel}/${file}${
        line ? ` at line ${line}` : ''
      }: ${err.message.split('\n')[0].replace(/:\s*$/, '')}`,
    );
  }
  const k = doc.toJS();
  if (!k || typeof k !== 'object' || Array.isArray(k)) {
    throw new ManifestError(
      `${rel}/${file} is not a kustomization (a mapping)`,
    );
  }
  return k as Record<string, unknown>;
}

/** Without kubectl: a kustomization that only lists local resource files. */
function plainResources(
  dir: string,
  file: string,
  rel: string,
  k: Record<string, unknown>,
): KubeObject[] {
  const allowed = new Set(['apiVersion', 'kind', 'resources']);
  const extra = Object.keys(k).filter(key => !allowed.has(key));
  const resources = Array.isArray(k.resources)
    ? (k.resources as unknown[])
    : [];
  if (
    extra.length ||
    resources.some(
      r =>
        typeof r !== 'string' ||
        !fs.existsSync(path.join(dir, r)) ||
        !fs.statSync(path.join(dir, r)).isFile(),
    )
  ) {
    throw new ManifestError(
      `${rel}/${file} needs kustomize, and kubectl is not installed (Debian: apt-get install kubernetes-client)`,
    );
  }
  return resources.flatMap(r =>
    parseObjects(
      fs.readFileSync(path.join(dir, r as string), 'utf8'),
      `${rel}/${r}`,
    ),
  );
}
