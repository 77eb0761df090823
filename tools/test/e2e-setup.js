// jest globalSetup of the end-to-end suite: local infrastructure up, and a fresh database so every
// run starts from an empty platform (the suite applies real migrations to it).
const { Client } = require('pg');

const E2E_DATABASE = 'rentguy_e2e';

module.exports = async function e2eSetup() {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${E2E_DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  const { up } = await import('../infra/infra.mjs');
  await up({ extraDatabases: [E2E_DATABASE], logger: { log: () => undefined } });
};
