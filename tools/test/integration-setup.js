/**
 * Jest globalSetup for integration tests (`jest.int.config.js`): brings local infrastructure up
 * (PostgreSQL checks, Redis, a real Kafka broker) through the one infra command, so every
 * `*.int-spec.ts` runs against real services. Idempotent and cheap when everything already runs.
 * Where the tests find them is `testEnvironment()` (TEST_DATABASE_URL, TEST_REDIS_URL,
 * TEST_KAFKA_BROKERS); the test database is created here if missing.
 */
// A TypeScript file: jest transforms what its global setup requires.
const { testEnvironment } = require('../../libs/testing/platform/src/test-environment.ts');

module.exports = async function integrationSetup() {
  const { up } = await import('../infra/infra.mjs');
  const { databaseUrl, redisUrl, kafkaBrokers } = testEnvironment();
  await up({ databaseUrl, redisUrl, kafkaBrokers });
};
