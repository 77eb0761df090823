import { composeConfig, loadConfig, runService, type ServiceName } from '@rentguy/platform/config';
import { databaseConfig } from './database.config';
import { migrateSchema } from './migrate';
import type { ServiceSchema } from './service-schema';

/**
 * A service's migrate command (`apps/<app>/src/migrate.ts`, run as `node dist/apps/<app>/src/migrate.js`):
 * reads `databaseConfig` only (a migration job must not fail on a missing Stripe, SMTP or JWT
 * setting), applies the schema's pending migrations and prints what it applied. Exits 0, or 1 with
 * every invalid setting or the error.
 */
export function runMigrateCommand(app: ServiceName, schema: ServiceSchema): void {
  runService(`${app}-migrate`, async () => {
    const config = loadConfig(composeConfig(app, [databaseConfig]));
    const applied = await migrateSchema(schema, {
      url: config.DATABASE_URL,
      slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
      applicationName: `${app}-migrate`,
    });
    process.stdout.write(
      applied.length > 0
        ? `${app}: applied ${applied.join(', ')}\n`
        : `${app}: schema ${schema.name} is up to date\n`,
    );
    process.exit(0);
  });
}
