import type { QueryRunner } from 'typeorm';
import { migrateSchema } from './migrate';
import { assertSchemaName, migrationSchemaOf } from './service-schema';

const runnerOn = (schema: string | undefined): QueryRunner =>
  ({ connection: { options: { type: 'postgres', schema } } }) as unknown as QueryRunner;

describe('schema names', () => {
  it.each(['Rentals', 'rentals; DROP TABLE x', 'public"', 'msg1', ''])('refuses %p', (schema) => {
    expect(() => assertSchemaName(schema)).toThrow(/invalid schema name/);
    expect(() => migrationSchemaOf(runnerOn(schema))).toThrow(/invalid schema name/);
  });

  it('gives a migration the schema of the data source it runs on', () => {
    expect(migrationSchemaOf(runnerOn('payments_it_abc'))).toBe('payments_it_abc');
  });

  it('refuses to guess a schema for a data source without one', () => {
    expect(() => migrationSchemaOf(runnerOn(undefined))).toThrow(/without a schema/);
  });

  it('refuses to migrate an invalid schema before connecting anywhere', async () => {
    await expect(
      migrateSchema(
        { name: 'x"; DROP SCHEMA rentals; --', migrations: [] },
        { url: 'postgres://nowhere.invalid/db', applicationName: 'spec' },
      ),
    ).rejects.toThrow(/invalid schema name/);
  });
});
