import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions } from './data-source-options';
import { assertSchemaName, type ServiceSchema } from './service-schema';

export interface MigrateSchemaOptions {
  url: string;
  /** Shown in `pg_stat_activity` for the migration's connections. */
  applicationName: string;
  slowQueryMs?: number;
}

/**
 * Applies the pending migrations of one service schema (creating the schema first, so a fresh
 * database needs no manual step) and returns their names. Apps never migrate on boot: the service's
 * migrate command and the tests call this. Holds a PostgreSQL advisory lock of the schema
 * meanwhile, so migrators started together (replicas of a migration job, parallel test files) run
 * one after the other instead of racing on the same DDL; the later ones find nothing left to apply.
 */
export async function migrateSchema(schema: ServiceSchema, options: MigrateSchemaOptions): Promise<string[]> {
  const name = assertSchemaName(schema.name);
  const lock = new Client({
    connectionString: options.url,
    application_name: `${options.applicationName}-lock`,
  });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`${name}.migrations`]);
    const dataSource = new DataSource(
      serviceDataSourceOptions({
        url: options.url,
        schema,
        poolSize: 1,
        slowQueryMs: options.slowQueryMs ?? 10_000,
        applicationName: options.applicationName,
      }),
    );
    await dataSource.initialize();
    try {
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${name}"`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    // Ending the session releases the lock even if an unlock were never sent.
    await lock.end();
  }
}
