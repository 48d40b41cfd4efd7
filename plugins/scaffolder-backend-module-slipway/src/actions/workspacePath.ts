import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import path from 'node:path';

/**
 * The absolute path of `value` (relative to `base`, or absolute) when it lies inside
 * `base`, checked with Backstage's `resolveSafeChildPath` (so a sibling such as
 * `/ws-evil` next to `/ws` is refused, as are `..` escapes and symlinks pointing out).
 *
 * @param base - the folder the path must stay in, e.g. the scaffolder's `ctx.workspacePath`
 * @param field - the action input the path came from, named in the error
 * @param value - the path as given (relative to `from`, or absolute)
 * @param from - the folder a relative `value` is relative to; default `base`
 * @throws InputError naming `field` when the path leaves `base` (HTTP 400 in the task log)
 */
export function resolveInside(
  base: string,
  field: string,
  value: string,
  from: string = base,
): string {
  try {
    return resolveSafeChildPath(base, path.resolve(from, value));
  } catch (error) {
    if (error instanceof NotAllowedError) {
      throw new InputError(`${field} "${value}" must stay inside ${base}`);
    }
    throw error;
  }
}
