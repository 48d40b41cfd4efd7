import {
  AuthService,
  DiscoveryService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ReleaseManagerService } from '@slipway/plugin-release-manager-node';
import { SignalsPusher } from './SignalsPusher';

/** Settings of the signals pusher, under `releaseManager.signals`. */
export interface SignalsPusherConfig {
  /** Push the portal's signals to the release manager; default true. */
  enabled: boolean;
  /** Seconds between pushes; default 60 (the release manager calls signals older than 300 s stale). */
  pushIntervalSeconds: number;
}

/** Reads `releaseManager.signals.enabled` and `.pushIntervalSeconds`. */
export function readSignalsPusherConfig(
  config: RootConfigService,
): SignalsPusherConfig {
  return {
    enabled:
      config.getOptionalBoolean('releaseManager.signals.enabled') ?? true,
    pushIntervalSeconds:
      config.getOptionalNumber('releaseManager.signals.pushIntervalSeconds') ??
      60,
  };
}

/**
 * Schedules the {@link SignalsPusher} (one instance across backend replicas: scope
 * `global`) every `releaseManager.signals.pushIntervalSeconds`, unless
 * `releaseManager.signals.enabled` is false.
 */
export async function scheduleSignalsPusher(deps: {
  config: RootConfigService;
  scheduler: SchedulerService;
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  client: ReleaseManagerService;
  logger: LoggerService;
}): Promise<void> {
  const settings = readSignalsPusherConfig(deps.config);
  if (!settings.enabled) return;
  const pusher = new SignalsPusher(deps);
  await deps.scheduler.scheduleTask({
    id: 'release-manager-signals',
    frequency: { seconds: settings.pushIntervalSeconds },
    timeout: { seconds: 120 },
    initialDelay: { seconds: 10 },
    scope: 'global',
    fn: async () => {
      try {
        const r = await pusher.pushAll();
        if (r.failed) {
          deps.logger.warn(
            `release-manager signals: pushed ${r.pushed} services, ${r.failed} failed`,
          );
        }
      } catch (error) {
        deps.logger.warn(`release-manager signals: ${error}`);
      }
    },
  });
}
