/** Unit tests: `*.spec.ts` beside the code, no infrastructure. */
module.exports = {
  ...require('./jest.preset'),
  displayName: 'unit',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts'],
};
