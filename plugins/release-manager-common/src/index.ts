/**
 * Shared code of the Slipway release-manager plugins: the release manager API's types
 * (Lunar-compatible field names plus Slipway extensions), a typed HTTP client of that
 * API, the plugin's permissions and the catalog annotations that map an entity to a
 * release-manager service, and the release rules (`./rules`: artifact ids, names, branch
 * matching, vulnerability counts, environment order).
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './client';
export * from './releases';
export * from './rules';
export * from './pluginClient';
