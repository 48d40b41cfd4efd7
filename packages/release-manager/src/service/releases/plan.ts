import { InputError } from '@backstage/errors';
import { ArtifactStore } from '../../artifacts/ArtifactStore';
import { CommitRequest, WriteContext } from '../../git/types';
import { artifactFile, releaseDir, releasesRoot } from '../layout';
import { fullIntentOf, releaseMessage } from './messages';
import { ReleasePlan, ResolvedRelease } from './types';

/**
 * The plan stage: the artifact's manifests for the environment and the namespace
 * folder they go to; `undefined` when the artifact already runs there (nothing to do).
 * @throws InputError when the artifact has no manifests for the environment
 */
export async function planRelease(
  store: ArtifactStore,
  resolved: ResolvedRelease,
): Promise<ReleasePlan | undefined> {
  const { request, spec, current } = resolved;
  const { service, environment } = request;
  const manifests = await store.getManifests(service, spec.id, environment);
  if (!manifests) {
    throw new InputError(
      `artifact '${spec.id}' of ${service} has no manifests for environment '${environment}'`,
    );
  }
  if (current?.id === spec.id) return undefined;
  return { resolved, namespace: spec.namespace || environment, manifests };
}

/** The kustomization listing the manifests Flux applies (so that `artifact.json`, metadata, is not applied). */
function kustomization(names: string[]): string {
  return [
    '# Written by the Slipway release manager: the manifests Flux applies (artifact.json is metadata).',
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    ...names.map(n => `  - ${n}`),
    '',
  ].join('\n');
}

/**
 * The commit stage: writes the plan into the working tree (the service leaves every
 * namespace folder of the environment, then its folder gets the manifests,
 * `artifact.json` and, unless the artifact brings one, a `kustomization.yaml`) and
 * says what to commit: one commit, authored by the person releasing, with trailers.
 */
export async function commitPlan(
  plan: ReleasePlan,
  ctx: WriteContext,
): Promise<CommitRequest> {
  const { resolved, namespace, manifests } = plan;
  const { request, spec, current, fromEnvironment } = resolved;
  const { service, environment, intent, actor } = request;
  const dir = releaseDir(environment, namespace, service);
  const touched = [dir];
  for (const ns of await ctx.list(releasesRoot(environment))) {
    if (
      (await ctx.list(`${releasesRoot(environment)}/${ns}`)).includes(service)
    ) {
      const old = releaseDir(environment, ns, service);
      await ctx.remove(old);
      if (ns !== namespace) touched.push(old);
    }
  }
  const names = Object.keys(manifests).sort();
  for (const name of names)
    await ctx.writeFile(`${dir}/${name}`, manifests[name]);
  await ctx.writeFile(artifactFile(dir), `${JSON.stringify(spec, null, 2)}\n`);
  if (!names.some(n => /^kustomization\.ya?ml$/.test(n))) {
    await ctx.writeFile(`${dir}/kustomization.yaml`, kustomization(names));
  }
  return {
    author: actor,
    paths: touched,
    message: releaseMessage({
      service,
      environment,
      namespace,
      artifactId: spec.id,
      intent: fullIntentOf(intent.type, {
        fromEnvironment,
        previousArtifactId: current?.id,
        branch: spec.application?.branch,
      }),
      actor,
      trailers: request.trailers,
    }),
  };
}
