import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository's deploy/ folder. */
export const DEPLOY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);

/**
 * Renders a kustomization with `kubectl kustomize` (kustomize v5 inside kubectl; set
 * KUBECTL to use another binary) and returns its objects.
 *
 * @param dir - folder under deploy/, e.g. `release-manager/overlays/example`
 * @returns the rendered Kubernetes objects, in kustomize's output order
 */
export function render(dir) {
  const out = execFileSync(
    process.env.KUBECTL || 'kubectl',
    ['kustomize', path.join(DEPLOY, dir)],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return parseAllDocuments(out)
    .map(d => d.toJS())
    .filter(Boolean);
}

/**
 * The kubernetes-models class of an object's apiVersion and kind: the Kubernetes API
 * (`kubernetes-models`, generated from the Kubernetes OpenAPI spec) or Flux's CRDs
 * (`@kubernetes-models/flux-cd`, generated from Flux's CRD schemas).
 *
 * @throws Error when no model exists for it (an unknown or misspelt kind or version)
 */
export async function modelOf(obj) {
  const [group, version] = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')
    : ['', obj.apiVersion];
  const candidates = group.endsWith('fluxcd.io')
    ? [`@kubernetes-models/flux-cd/${group}/${version}/${obj.kind}`]
    : [`kubernetes-models/${group ? `${group}/` : ''}${version}/${obj.kind}`];
  for (const id of candidates) {
    try {
      return (await import(id))[obj.kind];
    } catch (e) {
      if (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND') {
        throw e;
      }
    }
  }
  throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
}

/**
 * Validates an object against its OpenAPI schema.
 *
 * @returns (a promise of) undefined when valid, else the validation error's message
 */
export async function schemaError(obj) {
  const Model = await modelOf(obj);
  try {
    new Model(obj).validate();
    return undefined;
  } catch (e) {
    return `${obj.kind}/${obj.metadata?.name}: ${e.message}`;
  }
}
