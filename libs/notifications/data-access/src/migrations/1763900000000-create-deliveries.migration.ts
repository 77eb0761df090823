import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The delivery ledger: one row per (event, template, recipient), whatever happens to the event. */
export class CreateDeliveries1763900000000 implements MigrationInterface {
  name = 'CreateDeliveries1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.deliveries (
        id uuid PRIMARY KEY,
        event_id uuid NOT NULL,
        template text NOT NULL,
        recipient text NOT NULL,
        locale text NOT NULL,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        provider_message_id text,
        CONSTRAINT deliveries_event_template_recipient_key UNIQUE (event_id, template, recipient),
        CONSTRAINT deliveries_sent_has_sent_at CHECK (status <> 'sent' OR sent_at IS NOT NULL)
      )`);
    // The sweep looks for pending deliveries by age; the partial index stays as small as the backlog.
    await queryRunner.query(
      `CREATE INDEX deliveries_pending_created_at_idx ON ${s}.deliveries (created_at) WHERE status = 'pending'`,
    );
    // Support answers "did this guest get their email?" by address.
    await queryRunner.query(
      `CREATE INDEX deliveries_recipient_created_at_idx ON ${s}.deliveries (recipient, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${migrationSchemaOf(queryRunner)}".deliveries`);
  }
}
