import { IDENTITY_SCHEMA, identityEntities, identityMigrations } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { runMigrations, serviceDataSourceOptions } from '@rentguy/platform/database';
import { appConfig } from './config';
import { describeError } from '@rentguy/platform/errors';

/** `node dist/apps/gateway/src/migrate.js`: applies pending migrations of the identity schema. */
async function migrate(): Promise<void> {
  const config = loadConfig(appConfig);
  const applied = await runMigrations(
    serviceDataSourceOptions({
      url: config.DATABASE_URL,
      schema: IDENTITY_SCHEMA,
      poolSize: 1,
      slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
      applicationName: 'gateway-migrate',
      entities: identityEntities,
      migrations: identityMigrations,
    }),
  );
  process.stdout.write(
    applied.length > 0
      ? `gateway: applied ${applied.join(', ')}\n`
      : 'gateway: identity schema is up to date\n',
  );
}

migrate().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`gateway: migration failed: ${describeError(error, { stack: true })}\n`);
    process.exit(1);
  },
);
