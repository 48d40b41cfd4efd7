/**
 * The Slipway local CI: runs the repositories' own `ci/run.sh` on push, keeps the logs
 * and serves them over HTTP.
 *
 * @packageDocumentation
 */
export { createLocalCi, RequestError } from './server';
export type { LocalCi, LocalCiOptions } from './server';
export { executeRun, CI_ENTRY_POINT } from './runner';
export type { ExecuteRunOptions } from './runner';
export { RunStore } from './store';
export { failingLines } from './failingLines';
export { postReceiveHook } from './hook';
export type { CiRun, CiRunRequest, CiRunStatus } from './types';
export { main } from './cli';
