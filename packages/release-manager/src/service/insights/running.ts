import { IndexCache } from '../IndexCache';
import { artifactFile, releaseDir } from '../layout';
import { InsightsRepo, RunningRelease } from './InsightsService';

/**
 * What runs of a service in an environment, as a release record, from the index of
 * what runs where ({@link IndexCache}: namespace, and who released it when) and the
 * `artifact.json` at the head. For drift cells of services whose last release is
 * older than the history insights have loaded.
 */
export function runningFromIndex(
  repo: InsightsRepo,
  index: IndexCache,
): RunningRelease {
  return async (service, environment) => {
    const namespace = await index.namespaceOf(environment, service);
    if (!namespace) return undefined;
    const dir = releaseDir(environment, namespace, service);
    const text = await repo.readFile(artifactFile(dir), repo.head);
    const info = text
      ? await index.releaseInfoOf(environment, service, dir)
      : undefined;
    if (!text || !info) return undefined;
    return {
      commit: info.commit,
      at: Date.parse(info.releasedAt),
      service,
      environment,
      namespace,
      artifactId: (JSON.parse(text) as { id: string }).id,
      intent: info.intent,
      releasedByName: info.releasedByName,
      releasedByEmail: info.releasedByEmail,
    };
  };
}
