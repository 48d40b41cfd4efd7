import { createMockDirectory } from '@backstage/backend-test-utils';
import path from 'node:path';
import { resolveInside } from './workspacePath';

describe('resolveInside', () => {
  const root = createMockDirectory();

  it('resolves paths inside the base folder', () => {
    const ws = root.resolve('ws');
    expect(resolveInside(ws, 'sourcePath', 'deploy')).toBe(path.join(ws, 'deploy'));
    expect(resolveInside(ws, 'sourcePath', '.')).toBe(ws);
    expect(resolveInside(ws, 'sourcePath', path.join(ws, 'a/b'))).toBe(path.join(ws, 'a/b'));
  });

  it('refuses a sibling folder whose name starts with the base name, naming the field', () => {
    const ws = root.resolve('ws');
    expect(() => resolveInside(ws, 'sourcePath', '../ws-evil')).toThrow(
      /^sourcePath "..\/ws-evil" must stay inside /,
    );
    expect(() => resolveInside(ws, 'deployPath', root.resolve('ws-evil'))).toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
    expect(() => resolveInside(ws, 'deployPath', '../../etc')).toThrow(/deployPath/);
  });
});
