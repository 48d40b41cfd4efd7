/**
 * Common types, annotation constants, permissions and the HTTP client of the Slipway
 * on-call plugin.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './permissions';
export * from './types';
export * from './client';
