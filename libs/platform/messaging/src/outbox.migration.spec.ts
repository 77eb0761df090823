import type { QueryRunner } from 'typeorm';
import { outboxChannel, outboxMigration, outboxMigrationSql } from './outbox.migration';

describe('outboxMigrationSql', () => {
  it('creates outbox, inbox and the notify trigger in the given schema, and drops them again', () => {
    const { up, down } = outboxMigrationSql('rentals');
    const ddl = up.join('\n');
    expect(ddl).toContain('CREATE TABLE "rentals".outbox');
    expect(ddl).toContain('event_id uuid NOT NULL UNIQUE');
    expect(ddl).toMatch(/ON "rentals".outbox \(id\) WHERE published_at IS NULL/);
    expect(ddl).toContain('PRIMARY KEY (consumer, event_id)');
    expect(ddl).toContain("pg_notify('rentals_outbox', '')");
    expect(ddl).toContain('AFTER INSERT ON "rentals".outbox');
    expect(down).toEqual([
      'DROP TABLE IF EXISTS "rentals".inbox',
      'DROP TABLE IF EXISTS "rentals".outbox',
      'DROP FUNCTION IF EXISTS "rentals".outbox_notify()',
    ]);
  });

  it.each(['Rentals', 'rentals; DROP TABLE x', 'public"', 'msg1', ''])(
    'refuses the schema name %p',
    (schema) => {
      expect(() => outboxMigrationSql(schema)).toThrow(/invalid schema name/);
    },
  );

  it('names the NOTIFY channel after the schema', () => {
    expect(outboxChannel('payments')).toBe('payments_outbox');
  });

  it('makes a migration of its own that applies the DDL to the schema it runs in, under its name', async () => {
    const Migration = outboxMigration('CreateOutbox1763856000001');
    const statements: string[] = [];
    const queryRunner = {
      connection: { options: { schema: 'payments_it_abc' } },
      query: (sql: string) => Promise.resolve(void statements.push(sql)),
    } as unknown as QueryRunner;

    const migration = new Migration();
    await migration.up(queryRunner);

    expect(migration.name).toBe('CreateOutbox1763856000001');
    expect(statements).toEqual(outboxMigrationSql('payments_it_abc').up);
  });
});
