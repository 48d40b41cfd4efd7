import path from 'node:path';
import { ConfigSource, ReleaseFolder } from '../git/ConfigSource';
import { loadFolder, ManifestError } from '../manifests/loadFolder';
import { DesiredPod, desiredPods } from '../manifests/pods';
import { DNS1123_LABEL } from '../names';
import { PortAllocator } from '../ports';

/** A release folder rendered at one git tree: its desired pods, or why it cannot be applied. */
export interface RenderedFolder {
  /** The folder's git tree id. */
  tree: string;
  desired?: DesiredPod[];
  /** Why the folder cannot be applied (invalid YAML, escapes its folder, kustomize failed ...). */
  error?: string;
  /** Don't retry a failed apply before this (epoch ms), unless the tree changes or a reconcile is forced. */
  retryAt?: number;
  /** Failed applies in a row (the retry back-off's exponent). */
  attempts: number;
}

/**
 * Loads and renders one release folder of the checked-out config repo into the pods
 * it wants (one per replica, host ports from `ports`). Never throws: a folder whose
 * names are not DNS-1123 labels, whose files escape it, whose YAML is invalid or whose
 * kustomization fails becomes a {@link RenderedFolder} with `error`.
 */
export async function renderFolder(
  source: ConfigSource,
  clusterName: string,
  ports: PortAllocator,
  f: ReleaseFolder,
): Promise<RenderedFolder> {
  try {
    for (const [what, name] of [
      ['environment', f.environment],
      ['namespace', f.namespace],
      ['service', f.service],
    ]) {
      if (!DNS1123_LABEL.test(name)) {
        throw new ManifestError(
          `${f.path}: the ${what} folder '${name}' is not a DNS-1123 label`,
        );
      }
    }
    const content = await loadFolder(
      source.checkoutDir,
      path.join(source.checkoutDir, f.path),
    );
    const desired = await desiredPods(
      content.objects,
      {
        cluster: clusterName,
        environment: f.environment,
        namespace: f.namespace,
        service: f.service,
        artifactId: content.artifactId,
      },
      k => ports.allocate(k),
    );
    return { tree: f.tree, desired, attempts: 0 };
  } catch (e) {
    const message =
      e instanceof ManifestError
        ? e.message
        : `${f.path}: ${(e as Error).message}`;
    return { tree: f.tree, error: message, attempts: 0 };
  }
}
