import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancellations (docs/architecture.md#cancellations-and-refunds): the policy version a booking was
 * held under, what its cancellation refunded, and the refunds payments reported for it.
 */
const up = (s: string) => [
  // New listings are `moderate` unless their host picks another policy; existing ones keep theirs.
  `ALTER TABLE ${s}.properties ALTER COLUMN cancellation_policy SET DEFAULT 'moderate'`,
  `ALTER TABLE ${s}.bookings ALTER COLUMN cancellation_policy SET DEFAULT 'moderate'`,
  // Bookings held before versions existed were held under version 1, the only one there was.
  `ALTER TABLE ${s}.bookings
     ADD COLUMN cancellation_policy_version integer NOT NULL DEFAULT 1 CHECK (cancellation_policy_version >= 1),
     ADD COLUMN cancelled_at timestamptz NULL,
     ADD COLUMN cancelled_by text NULL CHECK (cancelled_by IN ('guest', 'host', 'admin')),
     ADD COLUMN cancellation_quote jsonb NULL,
     ADD COLUMN cancel_idempotency_key text NULL,
     ADD CONSTRAINT bookings_cancelled_check CHECK (status = 'cancelled' OR cancelled_at IS NULL)`,
  // What payments reported of each refund of a booking (refund.succeeded / refund.failed).
  `CREATE TABLE ${s}.booking_refunds (
    refund_id uuid PRIMARY KEY,
    booking_id uuid NOT NULL REFERENCES ${s}.bookings (id),
    amount integer NOT NULL CHECK (amount >= 0),
    currency char(3) NOT NULL,
    reason text NOT NULL,
    status text NOT NULL CHECK (status IN ('succeeded', 'failed')),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX booking_refunds_booking_id_idx ON ${s}.booking_refunds (booking_id)`,
];

const down = (s: string) => [
  `DROP TABLE ${s}.booking_refunds`,
  `ALTER TABLE ${s}.bookings
     DROP CONSTRAINT bookings_cancelled_check,
     DROP COLUMN cancel_idempotency_key,
     DROP COLUMN cancellation_quote,
     DROP COLUMN cancelled_by,
     DROP COLUMN cancelled_at,
     DROP COLUMN cancellation_policy_version`,
  `ALTER TABLE ${s}.bookings ALTER COLUMN cancellation_policy SET DEFAULT 'flexible'`,
  `ALTER TABLE ${s}.properties ALTER COLUMN cancellation_policy SET DEFAULT 'flexible'`,
];

export class Cancellations1764700000000 implements MigrationInterface {
  readonly name = 'Cancellations1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of up(`"${migrationSchemaOf(queryRunner)}"`)) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of down(`"${migrationSchemaOf(queryRunner)}"`)) {
      await queryRunner.query(sql);
    }
  }
}
