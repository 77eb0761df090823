import type { MigrationInterface, QueryRunner } from 'typeorm';
import { assertSchemaName, migrationSchemaOf } from '@rentguy/platform/database';

/** The LISTEN/NOTIFY channel that wakes a schema's outbox relay. */
export function outboxChannel(schema: string): string {
  return `${assertSchemaName(schema)}_outbox`;
}

/**
 * DDL of the transactional outbox and the consumer inbox of one service schema, for the service's
 * TypeORM migration:
 *
 * ```ts
 * public async up(queryRunner: QueryRunner) {
 *   for (const sql of outboxMigrationSql(migrationSchemaOf(queryRunner)).up) await queryRunner.query(sql);
 * }
 * ```
 *
 * An AFTER INSERT statement trigger calls `pg_notify('<schema>_outbox', '')`; PostgreSQL delivers it
 * at commit only (and folds duplicates within a transaction), so the relay wakes exactly when there
 * is committed work and never for a rolled-back transaction.
 */
export function outboxMigrationSql(schema: string): { up: string[]; down: string[] } {
  const s = `"${assertSchemaName(schema)}"`;
  const channel = outboxChannel(schema);
  return {
    up: [
      `CREATE TABLE ${s}.outbox (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        key text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text NULL
      )`,
      // The relay's hot query and the backlog gauge read only unpublished rows.
      `CREATE INDEX outbox_unpublished_idx ON ${s}.outbox (id) WHERE published_at IS NULL`,
      // Retention deletes published rows by age.
      `CREATE INDEX outbox_published_at_idx ON ${s}.outbox (published_at) WHERE published_at IS NOT NULL`,
      `CREATE TABLE ${s}.inbox (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`,
      `CREATE INDEX inbox_processed_at_idx ON ${s}.inbox (processed_at)`,
      `CREATE FUNCTION ${s}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${channel}', '');
        RETURN NULL;
      END
      $$`,
      `CREATE TRIGGER outbox_notify AFTER INSERT ON ${s}.outbox FOR EACH STATEMENT EXECUTE FUNCTION ${s}.outbox_notify()`,
    ],
    down: [
      `DROP TABLE IF EXISTS ${s}.inbox`,
      `DROP TABLE IF EXISTS ${s}.outbox`,
      `DROP FUNCTION IF EXISTS ${s}.outbox_notify()`,
    ],
  };
}

/**
 * A migration of its own for the outbox and inbox (`outboxMigrationSql`), in the schema it runs in,
 * for a service whose tables come in a migration apart. `name` is the tracked migration name,
 * ending in its timestamp:
 *
 * ```ts
 * export const CreateOutbox1763856000001 = outboxMigration('CreateOutbox1763856000001');
 * ```
 */
export function outboxMigration(name: string): new () => MigrationInterface {
  return class OutboxMigration implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const sql of outboxMigrationSql(migrationSchemaOf(queryRunner)).up) {
        await queryRunner.query(sql);
      }
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      for (const sql of outboxMigrationSql(migrationSchemaOf(queryRunner)).down) {
        await queryRunner.query(sql);
      }
    }
  };
}
