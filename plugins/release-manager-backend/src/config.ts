import { Config } from '@backstage/config';
import {
  DEFAULT_ENVIRONMENTS,
  DNS1123_LABEL_RULE,
  isDnsLabel,
} from '@slipway/plugin-release-manager-common';

/** The plugin's settings, read from the `releaseManager` config key (see config.d.ts). */
export type ReleaseManagerPluginConfig = {
  /** Base URL of the release manager, e.g. `http://localhost:7100`. */
  baseUrl: string;
  /** Bearer token for the release manager, if it needs one. */
  token?: string;
  /** Environments in release order. */
  environments: string[];
  /** Timeout of each call to the release manager, in milliseconds. */
  timeoutMs: number;
  /** Commit link template (see `commitUrl` in the common package). */
  commitUrlTemplate: string;
  /** Whether owners are notified of rollout results. */
  notificationsEnabled: boolean;
  /** Poll interval of the events feed, in seconds. */
  pollIntervalSeconds: number;
};

/**
 * Reads the `releaseManager` config key. Environments default to
 * `DEFAULT_ENVIRONMENTS` of the common rules (dev, staging, prod). Throws (at backend
 * start) when `releaseManager.baseUrl` is missing, a value has the wrong type or an
 * environment is not a DNS-1123 label.
 */
export function readReleaseManagerConfig(
  config: Config,
): ReleaseManagerPluginConfig {
  const c = config.getConfig('releaseManager');
  const environments = c.getOptionalStringArray('environments') ?? [
    ...DEFAULT_ENVIRONMENTS,
  ];
  if (environments.length === 0) {
    throw new Error('releaseManager.environments must not be empty');
  }
  const bad = environments.find(e => !isDnsLabel(e));
  if (bad !== undefined) {
    throw new Error(
      `releaseManager.environments: ${JSON.stringify(bad)} is not ${DNS1123_LABEL_RULE}`,
    );
  }
  return {
    baseUrl: c.getString('baseUrl'),
    token: c.getOptionalString('token'),
    environments,
    timeoutMs: c.getOptionalNumber('timeoutMs') ?? 10_000,
    commitUrlTemplate:
      c.getOptionalString('commitUrlTemplate') ?? '{repo}/commit/{sha}',
    notificationsEnabled:
      c.getOptionalBoolean('notifications.enabled') ?? true,
    pollIntervalSeconds:
      c.getOptionalNumber('notifications.pollIntervalSeconds') ?? 15,
  };
}
