import { Entity } from '@backstage/catalog-model';
import {
  commitUrl,
  EntityReleaseStatus,
  EnvironmentStatus,
  getReleaseManagerNamespace,
  StatusResponse,
} from '@slipway/plugin-release-manager-common';

/**
 * The entity's release status as the plugin answers it: the release manager's
 * `GET /status` answer in the configured environment order (an environment the answer
 * lacks appears with its name only; Lunar's older shape with one key per environment is
 * read too), each with its commit link from `commitUrlTemplate`.
 */
export function toEntityReleaseStatus(options: {
  entity: Entity;
  service: string;
  status: StatusResponse;
  environments: readonly string[];
  commitUrlTemplate: string;
}): EntityReleaseStatus {
  const { entity, service, status, environments, commitUrlTemplate } = options;
  const byName = new Map(
    (status.environments ?? []).map(env => [env.name, env]),
  );
  const legacy = status as unknown as Record<string, EnvironmentStatus>;
  return {
    service,
    namespace: getReleaseManagerNamespace(entity),
    environments: environments.map(envName => {
      const env = byName.get(envName) ?? legacy[envName] ?? { name: envName };
      return {
        ...env,
        name: envName,
        commitUrl: commitUrl(
          { url: repoUrlOf(env.commitUrl, env.sha), sha: env.sha },
          commitUrlTemplate,
        ),
      };
    }),
  };
}

/**
 * The repository URL from the status's `commitUrl` (`<repo>/commit/<sha>`), so the
 * configured template decides the final link.
 */
function repoUrlOf(
  url: string | undefined,
  sha: string | undefined,
): string | undefined {
  if (!url || !sha) return url;
  const suffix = `/commit/${sha}`;
  return url.endsWith(suffix) ? url.slice(0, -suffix.length) : url;
}
