import { runMigrations, serviceDataSourceOptions } from '@rentguy/platform/database';
import { Client } from 'pg';
import { RentalsSchema1761000000000 } from './1761000000000-rentals-schema.migration';

/** Every migration of the `rentals` schema, in order, for `DatabaseModule.forRoot({ migrations })`. */
export const rentalsMigrations = [RentalsSchema1761000000000];

// Any constant works; every migrator of the rentals schema (app, workers, tests) takes the same one.
const MIGRATION_LOCK = 'rentals.migrations';

export interface MigrateRentalsOptions {
  url: string;
  slowQueryMs?: number;
  applicationName?: string;
}

/**
 * Applies pending migrations of the `rentals` schema and returns their names. Holds a PostgreSQL
 * advisory lock meanwhile, so migrators started together (replicas, parallel test files) run one
 * after the other instead of racing on the same DDL.
 */
export async function migrateRentals(options: MigrateRentalsOptions): Promise<string[]> {
  const lock = new Client({ connectionString: options.url, application_name: 'rentals-migrate-lock' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    return await runMigrations(
      serviceDataSourceOptions({
        url: options.url,
        schema: 'rentals',
        poolSize: 1,
        slowQueryMs: options.slowQueryMs ?? 10_000,
        applicationName: options.applicationName ?? 'rentals-migrate',
        entities: [],
        migrations: rentalsMigrations,
      }),
    );
  } finally {
    // Ending the session releases the lock even if the unlock query is never sent.
    await lock.end();
  }
}
