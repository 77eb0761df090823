import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recipient directory (fed by identity's user events), and the ledger's states, recipients and
 * timings: `pending` becomes `queued`, `suppressed` records a message a preference switched off, and
 * one message per (event, template, recipient) counts the recipient by user id where there is one, so
 * an address change between a delivery and its event's redelivery cannot send the message twice.
 */
export class RecipientsAndDeliveryStates1764900000000 implements MigrationInterface {
  name = 'RecipientsAndDeliveryStates1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.recipients (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        locale text NOT NULL,
        role text,
        preferences jsonb NOT NULL DEFAULT '{}'::jsonb,
        profile_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`ALTER TABLE ${s}.deliveries DROP CONSTRAINT deliveries_status_check`);
    await queryRunner.query(`ALTER TABLE ${s}.deliveries ALTER COLUMN status DROP DEFAULT`);
    await queryRunner.query(`UPDATE ${s}.deliveries SET status = 'queued' WHERE status = 'pending'`);
    await queryRunner.query(`ALTER TABLE ${s}.deliveries ALTER COLUMN status SET DEFAULT 'queued'`);
    await queryRunner.query(
      `ALTER TABLE ${s}.deliveries ADD CONSTRAINT deliveries_status_check
         CHECK (status IN ('queued', 'sent', 'failed', 'suppressed'))`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.deliveries
        ADD COLUMN recipient_id uuid,
        ADD COLUMN category text NOT NULL DEFAULT 'transactional',
        ADD COLUMN occurred_at timestamptz`);
    await queryRunner.query(
      `ALTER TABLE ${s}.deliveries DROP CONSTRAINT deliveries_event_template_recipient_key`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX deliveries_event_template_recipient_key
         ON ${s}.deliveries (event_id, template, (COALESCE(recipient_id::text, recipient)))`,
    );
    await queryRunner.query(`DROP INDEX ${s}.deliveries_pending_created_at_idx`);
    await queryRunner.query(
      `CREATE INDEX deliveries_queued_created_at_idx ON ${s}.deliveries (created_at) WHERE status = 'queued'`,
    );
    // A user's own list (GET /v1/me/notifications) and the admins' list, newest first.
    await queryRunner.query(
      `CREATE INDEX deliveries_recipient_id_created_at_idx ON ${s}.deliveries (recipient_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX deliveries_created_at_idx ON ${s}.deliveries (created_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP INDEX ${s}.deliveries_created_at_idx`);
    await queryRunner.query(`DROP INDEX ${s}.deliveries_recipient_id_created_at_idx`);
    await queryRunner.query(`DROP INDEX ${s}.deliveries_queued_created_at_idx`);
    await queryRunner.query(`DROP INDEX ${s}.deliveries_event_template_recipient_key`);
    await queryRunner.query(`DELETE FROM ${s}.deliveries WHERE status = 'suppressed'`);
    await queryRunner.query(`ALTER TABLE ${s}.deliveries DROP CONSTRAINT deliveries_status_check`);
    await queryRunner.query(`UPDATE ${s}.deliveries SET status = 'pending' WHERE status = 'queued'`);
    await queryRunner.query(`ALTER TABLE ${s}.deliveries ALTER COLUMN status SET DEFAULT 'pending'`);
    await queryRunner.query(
      `ALTER TABLE ${s}.deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('pending', 'sent', 'failed'))`,
    );
    await queryRunner.query(
      `ALTER TABLE ${s}.deliveries DROP COLUMN recipient_id, DROP COLUMN category, DROP COLUMN occurred_at`,
    );
    await queryRunner.query(
      `ALTER TABLE ${s}.deliveries ADD CONSTRAINT deliveries_event_template_recipient_key UNIQUE (event_id, template, recipient)`,
    );
    await queryRunner.query(
      `CREATE INDEX deliveries_pending_created_at_idx ON ${s}.deliveries (created_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(`DROP TABLE ${s}.recipients`);
  }
}
