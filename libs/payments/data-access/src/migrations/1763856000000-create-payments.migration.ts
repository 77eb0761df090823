import type { MigrationInterface, QueryRunner } from 'typeorm';
import { migrationSchemaOf } from '@rentguy/platform/database';

export class CreatePayments1763856000000 implements MigrationInterface {
  name = 'CreatePayments1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.payments (
        id uuid PRIMARY KEY,
        booking_id uuid NOT NULL,
        guest_id uuid NOT NULL,
        provider text NOT NULL CHECK (provider IN ('stripe', 'mollie')),
        provider_payment_id text NULL,
        amount integer NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('created', 'pending', 'succeeded', 'failed', 'canceled', 'expired',
                                               'partially_refunded', 'refunded')),
        failure_reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_provider_payment_id_key UNIQUE (provider, provider_payment_id)
      )`);
    // A booking never has two payments the guest could complete at once; a failed or canceled
    // one may be followed by a new attempt.
    await queryRunner.query(
      `CREATE UNIQUE INDEX payments_one_in_flight_per_booking ON ${s}.payments (booking_id) WHERE status IN ('created', 'pending')`,
    );
    await queryRunner.query(`CREATE INDEX payments_booking_id_idx ON ${s}.payments (booking_id)`);
    // Reconciliation scans payments stuck in pending, oldest first.
    await queryRunner.query(
      `CREATE INDEX payments_pending_updated_at_idx ON ${s}.payments (updated_at) WHERE status = 'pending'`,
    );

    await queryRunner.query(`
      CREATE TABLE ${s}.booking_projection (
        booking_id uuid PRIMARY KEY,
        guest_id uuid NOT NULL,
        amount integer NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL,
        expires_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('held', 'confirmed', 'expired')),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE ${s}.webhook_events (
        id bigserial PRIMARY KEY,
        provider text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text NULL,
        CONSTRAINT webhook_events_provider_event_id_key UNIQUE (provider, event_id)
      )`);
    // The sweep reads only what is still unprocessed.
    await queryRunner.query(
      `CREATE INDEX webhook_events_unprocessed_idx ON ${s}.webhook_events (id) WHERE processed_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.webhook_events`);
    await queryRunner.query(`DROP TABLE ${s}.booking_projection`);
    await queryRunner.query(`DROP TABLE ${s}.payments`);
  }
}
