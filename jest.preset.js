/**
 * Shared jest settings: @swc/jest reads .swcrc, which keeps decorator metadata. Path aliases come
 * from tsconfig.base.json, like the build's (tools/build/path-aliases.js).
 * The project's own code runs as CommonJS; ESM-only packages (NestJS 12, jose) are loaded with
 * require(esm), which jest supports on Node 24.9+ when node runs with --experimental-vm-modules
 * (the Nx test targets set it).
 */
const { join } = require('node:path');
const { pathAliases } = require('./tools/build/path-aliases');

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const { baseDir, paths } = pathAliases();
const aliases = Object.fromEntries(
  Object.entries(paths).map(([alias, targets]) => [
    `^${escapeRegExp(alias).replace('\\*', '(.*)')}$`,
    targets.map((target) => join(baseDir, target).replace('*', '$1')),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { swcrc: true }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    ...aliases,
    // TypeScript asks for `./x.js` in dynamic import()s; jest maps them back to the .ts source.
    '^(\\.{1,2}/.+)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/'],
};
