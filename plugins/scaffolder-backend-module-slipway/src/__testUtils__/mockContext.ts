import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/**
 * `createMockActionContext`, typed loosely: the actions' zod defaults make their input
 * fields required in the handler's type, while tests pass only some of them (the
 * handlers apply the same defaults). `isDryRun` is passed through (the upstream helper
 * drops it).
 */
export function mockContext(
  options: Parameters<typeof createMockActionContext>[0] & { isDryRun?: boolean } = {},
): any {
  const { isDryRun, ...rest } = options ?? {};
  return { ...createMockActionContext(rest as any), ...(isDryRun ? { isDryRun } : {}) };
}
