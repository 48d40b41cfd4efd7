/**
 * Re-export for `seed.ts`, which another change moves out of `src/` (issue 10); the
 * rules themselves (names, artifact ids, ...) are defined once, in
 * `@slipway/plugin-release-manager-common/rules`. Delete this file with the seed.
 */
export { artifactIdFor } from '@slipway/plugin-release-manager-common/rules';
