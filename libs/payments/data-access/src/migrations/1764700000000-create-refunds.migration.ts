import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchemaOf } from '@rentguy/platform/database';

/**
 * Refunds (docs/architecture.md#refunds). A payment keeps two running totals under its row lock:
 * `refund_committed` (refunds requested or succeeded) and `refunded_amount` (succeeded). The check
 * constraints, not application code, make "refunded ≤ captured" hold under any concurrency.
 */
export class CreateRefunds1764700000000 implements MigrationInterface {
  name = 'CreateRefunds1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      ALTER TABLE ${s}.payments
        ADD COLUMN refund_committed integer NOT NULL DEFAULT 0,
        ADD COLUMN refunded_amount integer NOT NULL DEFAULT 0,
        ADD CONSTRAINT payments_refunds_within_amount
          CHECK (0 <= refunded_amount AND refunded_amount <= refund_committed AND refund_committed <= amount)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.refunds (
        id uuid PRIMARY KEY,
        payment_id uuid NOT NULL REFERENCES ${s}.payments (id),
        booking_id uuid NOT NULL,
        provider text NOT NULL CHECK (provider IN ('stripe', 'mollie')),
        provider_refund_id text NULL,
        amount integer NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        reason text NOT NULL CHECK (reason IN ('guest_cancelled', 'host_cancelled', 'admin_cancelled',
                                               'dates_unavailable', 'booking_cancelled', 'duplicate_payment', 'goodwill')),
        status text NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed')),
        failure_reason text NULL,
        owed_key text NULL,
        requested_by uuid NULL,
        note text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT refunds_provider_refund_id_key UNIQUE (provider, provider_refund_id),
        CONSTRAINT refunds_owed_key_key UNIQUE (owed_key)
      )`);
    await queryRunner.query(`CREATE INDEX refunds_payment_id_idx ON ${s}.refunds (payment_id)`);
    // Reconciliation re-asks the providers about refunds still requested, oldest first.
    await queryRunner.query(
      `CREATE INDEX refunds_requested_updated_at_idx ON ${s}.refunds (updated_at) WHERE status = 'requested'`,
    );
    // A cancelled booking's payment in flight is canceled at its provider (reconciliation finds it
    // by the projection's status, as for expired holds); payments keeps the title for refund emails.
    await queryRunner.query(`
      ALTER TABLE ${s}.booking_projection
        DROP CONSTRAINT booking_projection_status_check,
        ADD CONSTRAINT booking_projection_status_check CHECK (status IN ('held', 'confirmed', 'expired', 'cancelled')),
        ADD COLUMN property_title text NOT NULL DEFAULT ''`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      ALTER TABLE ${s}.booking_projection
        DROP COLUMN property_title,
        DROP CONSTRAINT booking_projection_status_check,
        ADD CONSTRAINT booking_projection_status_check CHECK (status IN ('held', 'confirmed', 'expired'))`);
    await queryRunner.query(`DROP TABLE ${s}.refunds`);
    await queryRunner.query(`
      ALTER TABLE ${s}.payments
        DROP CONSTRAINT payments_refunds_within_amount,
        DROP COLUMN refunded_amount,
        DROP COLUMN refund_committed`);
  }
}
