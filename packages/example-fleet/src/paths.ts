import path from 'node:path';

/**
 * The folder of this package (`packages/example-fleet` in the repository), found through
 * module resolution so that it is right from `src/` and from a built `dist/` alike.
 */
export const PACKAGE_DIR = path.dirname(
  require.resolve('@slipway/example-fleet/package.json'),
);

/** The repository root when the package runs from its workspace (two folders up). */
export const REPO_DIR = path.resolve(PACKAGE_DIR, '../..');
