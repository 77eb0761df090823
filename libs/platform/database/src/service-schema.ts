import type { EntitySchema, MixedList, QueryRunner } from 'typeorm';

/**
 * A service's PostgreSQL schema, declared once in its data-access library: its name, its migrations
 * oldest first, and the entities mapped onto it. `DatabaseModule.forRoot`, `migrateSchema` and the
 * service's migrate command (`runMigrateCommand`) all take it; a test migrates a throwaway schema
 * with `{ ...paymentsSchema, name: 'payments_it_xyz' }`.
 */
export interface ServiceSchema {
  /** Lowercase letters and `_` only (`assertSchemaName`): migrations interpolate it into DDL. */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
}

/** Schema names are code constants; this check is what makes interpolating them into SQL safe. */
const SCHEMA_NAME = /^[a-z_]+$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid schema name "${schema}": expected ${SCHEMA_NAME}`);
  }
  return schema;
}

/**
 * The schema a migration runs in: the one `migrateSchema` was given (`rentals` for the rentals app,
 * a throwaway one in a test), validated. Every migration writes its DDL against this name, never a
 * hard-coded schema:
 *
 * ```ts
 * const s = `"${migrationSchemaOf(queryRunner)}"`;
 * await queryRunner.query(`CREATE TABLE ${s}.payments (…)`);
 * ```
 */
export function migrationSchemaOf(queryRunner: QueryRunner): string {
  const { schema } = queryRunner.connection.options as { schema?: string };
  if (schema === undefined) {
    throw new Error('the migration runs on a data source without a schema; apply it with migrateSchema');
  }
  return assertSchemaName(schema);
}
