import { Config } from '@backstage/config';

/**
 * The plugin's own settings under the `releaseManager` config key (see config.d.ts).
 * The connection (base URL, token, environments, timeout) is read once by
 * `releaseManagerServiceRef` of `@slipway/plugin-release-manager-node`.
 */
export type ReleaseManagerPluginConfig = {
  /** Commit link template (see `commitUrl` in the common package). */
  commitUrlTemplate: string;
  /** Whether owners are notified of rollout results. */
  notificationsEnabled: boolean;
  /** Poll interval of the events feed, in seconds. */
  pollIntervalSeconds: number;
};

/**
 * Reads the plugin's settings from the `releaseManager` config key, with defaults:
 * `{repo}/commit/{sha}`, notifications on, polled every 15 s. Throws (at backend start)
 * when a value has the wrong type.
 */
export function readReleaseManagerConfig(
  config: Config,
): ReleaseManagerPluginConfig {
  const c = config.getOptionalConfig('releaseManager');
  return {
    commitUrlTemplate:
      c?.getOptionalString('commitUrlTemplate') ?? '{repo}/commit/{sha}',
    notificationsEnabled:
      c?.getOptionalBoolean('notifications.enabled') ?? true,
    pollIntervalSeconds:
      c?.getOptionalNumber('notifications.pollIntervalSeconds') ?? 15,
  };
}
