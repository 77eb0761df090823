/** Integration tests: `*.int-spec.ts` against real PostgreSQL, Redis and Kafka with real migrations. */
module.exports = {
  ...require('./jest.preset'),
  displayName: 'integration',
  roots: ['<rootDir>/libs', '<rootDir>/apps'],
  testMatch: ['**/*.int-spec.ts'],
  globalSetup: '<rootDir>/tools/test/integration-setup.js',
  testTimeout: 60000,
};
