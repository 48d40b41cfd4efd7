// Plain Node tests of the rendered manifests: ES modules, no transform (kubernetes-models
// is ESM only; run with NODE_OPTIONS=--experimental-vm-modules, as `yarn test` does).
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.mjs'],
  transform: {},
  testTimeout: 60_000,
};
