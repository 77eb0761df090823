/** The fault suite: the platform as processes while its infrastructure is killed and restarted. */
module.exports = {
  ...require('./jest.preset'),
  displayName: 'faults',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.fault-spec.ts'],
  // A fresh database, infrastructure up: the same set-up as the end-to-end suite.
  globalSetup: '<rootDir>/tools/test/e2e-setup.js',
  testTimeout: 300000,
};
