import { z } from 'zod';
import { baseConfig, databaseConfig, loadConfig, runService } from '@rentguy/platform/config';
import { migrateSchema } from './migrate';
import type { ServiceSchema } from './service-schema';

// Only what migrating needs: a migration job must not fail on a missing Stripe, SMTP or JWT setting.
const migrateConfigSchema = z.object({ ...baseConfig, ...databaseConfig });

/**
 * A service's migrate command (`apps/<app>/src/migrate.ts`, run as `node dist/apps/<app>/src/migrate.js`):
 * reads the base and database settings only, applies the schema's pending migrations and prints
 * what it applied. Exits 0, or 1 with every invalid setting or the error.
 */
export function runMigrateCommand(app: string, schema: ServiceSchema): void {
  runService(`${app}-migrate`, async () => {
    const config = loadConfig(migrateConfigSchema);
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
