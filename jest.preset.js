/**
 * Shared jest settings: @swc/jest reads .swcrc, which keeps decorator metadata and path aliases.
 * The project's own code runs as CommonJS; ESM-only packages (NestJS 12, jose) are loaded with
 * require(esm), which jest supports on Node 24.9+ when node runs with --experimental-vm-modules
 * (the npm scripts and the test runner set it).
 */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { swcrc: true }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // TypeScript asks for `./x.js` in dynamic import()s; jest maps them back to the .ts source.
  moduleNameMapper: { '^(\\.{1,2}/.+)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/'],
};
