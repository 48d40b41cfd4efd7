/**
 * Request and response bodies of the release manager's HTTP API (Lunar-compatible
 * routes plus Slipway's extensions). They are defined once, in
 * `@slipway/plugin-release-manager-common` (`src/types.ts`), which the Backstage
 * plugins and the browser use too; the server uses the same types, so the two cannot
 * drift. Type-only: nothing of that package is loaded at run time.
 */
export type * from '@slipway/plugin-release-manager-common/types';
