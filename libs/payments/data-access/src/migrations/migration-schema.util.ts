import type { QueryRunner } from 'typeorm';

const SCHEMA_NAME = /^[a-z_]+$/;

/**
 * The schema the migration runs in: the data source's (`payments` in the app), so integration tests
 * can migrate a throwaway schema of their own. Validated because it is interpolated into DDL.
 */
export function migrationSchemaOf(queryRunner: QueryRunner): string {
  const options = queryRunner.connection.options as { schema?: string };
  const schema = options.schema ?? 'payments';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}"`);
  }
  return schema;
}
