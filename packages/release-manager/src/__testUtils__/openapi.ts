import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/**
 * Path of the release manager's OpenAPI 3.0 document, which lives (once) in
 * `@slipway/plugin-release-manager-common` at `src/schema/openapi.yaml`; found by
 * module resolution so it works in the workspace and from an installed package.
 */
export const OPENAPI_PATH = path.join(
  path.dirname(
    require.resolve('@slipway/plugin-release-manager-common/package.json'),
  ),
  'src/schema/openapi.yaml',
);

/** The parsed OpenAPI document (`paths`, `components`, ...; see {@link OPENAPI_PATH}). */
export function loadOpenApi(): any {
  return YAML.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'));
}
