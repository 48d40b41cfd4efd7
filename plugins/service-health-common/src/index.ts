/**
 * Common types, annotation constants and light rules of the Slipway service-health plugin.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './lights';
export * from './types';
