/**
 * Jest globalSetup for integration tests (`jest.int.config.js`): brings local infrastructure up
 * (PostgreSQL checks, Redis, a real Kafka broker) through the one infra command, so every
 * `*.int-spec.ts` runs against real services. Idempotent and cheap when everything already runs.
 * Integration tests use the `rentguy_test` database, created here if missing.
 */
module.exports = async function integrationSetup() {
  const { up } = await import('../infra/infra.mjs');
  const extra = new Set(
    (process.env.INFRA_EXTRA_DATABASES ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );
  extra.add('rentguy_test');
  process.env.INFRA_EXTRA_DATABASES = [...extra].join(',');
  await up();
};
