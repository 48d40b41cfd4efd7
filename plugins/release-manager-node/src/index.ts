/**
 * Node library of the Slipway release manager for backend plugins and modules:
 * {@link releaseManagerServiceRef}, a typed release-manager client whose config is read
 * once and whose errors are mapped once to Backstage errors.
 *
 * @packageDocumentation
 */
export * from './config';
export * from './errors';
export * from './ReleaseManagerService';
export * from './serviceRef';
