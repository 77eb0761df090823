/** Shared jest settings: @swc/jest reads .swcrc, which keeps decorator metadata and path aliases. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { swcrc: true }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/'],
};
