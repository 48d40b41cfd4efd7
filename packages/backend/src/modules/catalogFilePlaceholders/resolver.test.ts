import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textPlaceholderResolver } from './resolver';

describe('textPlaceholderResolver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'placeholders-'));
  mkdirSync(join(dir, 'apis', 'specs'), { recursive: true });
  writeFileSync(join(dir, 'apis', 'specs', 'a.yaml'), 'openapi: 3.0.3\n');
  writeFileSync(join(dir, 'secret.txt'), 'do not read');
  const base = join(dir, 'apis', 'a.yaml');
  const params = (value: unknown, baseUrl = base) => ({
    key: 'text',
    value: value as any,
    baseUrl,
    read: jest.fn(async (url: string) => Buffer.from(`read ${url}`)),
    resolveUrl: jest.fn((url: string, b: string) => new URL(url, b).toString()),
    emit: jest.fn(),
  });

  it('reads a path relative to the entity file of a file location', async () => {
    await expect(
      textPlaceholderResolver(params('./specs/a.yaml')),
    ).resolves.toBe('openapi: 3.0.3\n');
  });

  it('refuses a path out of the entity file folder', async () => {
    await expect(
      textPlaceholderResolver(params('../secret.txt')),
    ).rejects.toThrow(/may only read files in .* not \.\.\/secret\.txt/);
  });

  it('names a missing file', async () => {
    await expect(
      textPlaceholderResolver(params('./specs/none.yaml')),
    ).rejects.toThrow(/could not read .*none\.yaml/);
  });

  it('reads URLs through the URL reader, as the built-in resolver does', async () => {
    const p = params('./spec.yaml', 'https://github.com/o/r/blob/main/api.yaml');
    await expect(textPlaceholderResolver(p)).resolves.toBe(
      'read https://github.com/o/r/blob/main/spec.yaml',
    );
    expect(p.read).toHaveBeenCalledWith(
      'https://github.com/o/r/blob/main/spec.yaml',
    );
  });

  it('refuses a value that is not a string', async () => {
    await expect(textPlaceholderResolver(params(42))).rejects.toThrow(
      /expected a string/,
    );
  });
});
