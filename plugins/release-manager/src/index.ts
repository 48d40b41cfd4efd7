/**
 * The Slipway release-manager frontend plugin: the `EntityReleaseStatusCard` for a
 * service's overview and `EntityReleaseManagerContent` for its Releases tab.
 *
 * @packageDocumentation
 */
export {
  releaseManagerPlugin,
  EntityReleaseStatusCard,
  EntityReleaseManagerContent,
} from './plugin';
export {
  releaseManagerApiRef,
  ReleaseManagerClient,
} from './api/ReleaseManagerApi';
export type { ReleaseManagerApi } from './api/ReleaseManagerApi';
export {
  isReleaseManagerAvailable,
  RELEASE_MANAGER_SERVICE_ANNOTATION,
  RELEASE_MANAGER_NAMESPACE_ANNOTATION,
} from '@slipway/plugin-release-manager-common';
export { SinceYesterdayCard } from './components/insights/SinceYesterdayCard';
export { HomePageSinceYesterdayCard } from './components/insights/HomePageSinceYesterdayCard';
export { DriftCard } from './components/insights/DriftCard';
export { DoraCard } from './components/insights/DoraCard';
export { EntityInsightsCards } from './components/insights/EntityInsightsCards';
