export * from './ServiceHealthClient';
export * from './useBatchedHealth';
