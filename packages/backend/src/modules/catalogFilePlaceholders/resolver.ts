import { PlaceholderResolver } from '@backstage/plugin-catalog-node';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';

const hasScheme = (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value);

/**
 * The catalog's `$text` placeholder, extended to `file` locations: a relative path in an
 * entity read from a file (e.g. `definition: { $text: ./specs/payments.yaml }` in
 * `examples/apis/payments-api.yaml`) is read from disk, relative to that file.
 *
 * Backstage's own resolver only handles URLs and refuses relative paths in file
 * locations, because a path could reach any file on the host. Here the resolved path
 * must stay inside the folder of the entity's file; `../` out of it is refused. URLs
 * and URL locations are resolved and read exactly as the built-in resolver does.
 *
 * @throws Error when the value is not a string, escapes the folder, or cannot be read
 */
export const textPlaceholderResolver: PlaceholderResolver = async ({
  key,
  value,
  baseUrl,
  read,
  resolveUrl,
}) => {
  if (typeof value !== 'string') {
    throw new Error(
      `Placeholder $${key} expected a string value parameter, in the form of an absolute URL or a relative path`,
    );
  }
  if (isAbsolute(baseUrl) && !hasScheme(value)) {
    const root = dirname(baseUrl);
    const file = resolve(root, value);
    if (!file.startsWith(root + sep)) {
      throw new Error(
        `Placeholder $${key} may only read files in ${root} and below, not ${value}`,
      );
    }
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      throw new Error(
        `Placeholder $${key} could not read ${file}, ${(e as Error).message}`,
      );
    }
  }
  const url = resolveUrl(value, baseUrl);
  return (await read(url)).toString('utf8');
};
