/**
 * The Slipway on-call frontend plugin: `EntityOnCallCard`, `HomePageOnCallCard` and
 * `isOnCallAvailable` (legacy frontend system; the new system's plugin is in `/alpha`).
 *
 * @packageDocumentation
 */
export { onCallPlugin, EntityOnCallCard, HomePageOnCallCard } from './plugin';
export { isOnCallAvailable } from './conditions';
export { onCallApiRef } from './api';
