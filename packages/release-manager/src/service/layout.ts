/*
 * The layout of the config repo (see the README of the repository it writes):
 *
 * - `<environment>/releases/<namespace>/<service>/`: what runs where: the manifests,
 *   `artifact.json` (the artifact spec) and `kustomization.yaml`;
 * - `policies/<service>.json`: the service's auto-release and branch-restriction policies.
 */

/** The folder of a service's release in an environment. */
export function releaseDir(
  environment: string,
  namespace: string,
  service: string,
): string {
  return `${environment}/releases/${namespace}/${service}`;
}

/** The folder holding an environment's namespaces. */
export function releasesRoot(environment: string): string {
  return `${environment}/releases`;
}

/** The artifact spec of a release folder. */
export function artifactFile(dir: string): string {
  return `${dir}/artifact.json`;
}

/** The policy file of a service. */
export function policyFile(service: string): string {
  return `policies/${service}.json`;
}

/**
 * Parses the path of a release's `artifact.json`.
 * @returns environment, namespace and service; `undefined` for any other path
 */
export function parseArtifactPath(
  file: string,
): { environment: string; namespace: string; service: string } | undefined {
  const m = /^([^/]+)\/releases\/([^/]+)\/([^/]+)\/artifact\.json$/.exec(file);
  return m ? { environment: m[1], namespace: m[2], service: m[3] } : undefined;
}
