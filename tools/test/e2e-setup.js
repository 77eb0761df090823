// jest globalSetup of the end-to-end suite: local infrastructure up, and a fresh database so every
// run starts from an empty platform (the suite applies real migrations to it). Where it all is comes
// from `testEnvironment()`, as in the integration tests.
const { Client } = require('pg');
// A TypeScript file: jest transforms what its global setup requires.
const { E2E_DATABASE, testEnvironment } = require('../../libs/testing/platform/src/test-environment.ts');

module.exports = async function e2eSetup() {
  const env = testEnvironment();
  const admin = new Client({ connectionString: env.databaseUrlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${E2E_DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const { up } = await import('../infra/infra.mjs');
  await up({
    databaseUrl: env.databaseUrlFor(E2E_DATABASE),
    redisUrl: env.redisUrl,
    kafkaBrokers: env.kafkaBrokers,
    logger: { log: () => undefined },
  });
};
