/**
 * The Slipway release-manager backend plugin.
 *
 * @packageDocumentation
 */
export { releaseManagerPlugin as default } from './plugin';
export { ReleaseNotifier, rolloutOutcome } from './notifier/ReleaseNotifier';
export type { RolloutOutcome } from './notifier/ReleaseNotifier';
