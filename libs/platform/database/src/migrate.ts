import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * Applies pending migrations of one service (the explicit `migrate` command; apps never migrate on
 * boot). Creates the service schema first so a fresh database needs no manual step.
 */
export async function runMigrations(options: DataSourceOptions & { schema?: string }): Promise<string[]> {
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  try {
    if (options.schema) {
      await dataSource.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
