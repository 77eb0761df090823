/** End-to-end: all six apps as processes, driven over HTTP through the gateway like a client. */
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/tools/test/e2e-setup.js',
  testTimeout: 120000,
};
