import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What notifications knows of each booking from rentals' `booking.held`, so that later events that
 * carry only ids (`booking.expired`, `payment.failed`) can be written up for the guest; and the
 * payment events that arrived before their booking's hold, parked until it does.
 */
export class BookingStays1765000000000 implements MigrationInterface {
  name = 'BookingStays1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.booking_stays (
        booking_id uuid PRIMARY KEY,
        property_id uuid NOT NULL,
        property_title text NOT NULL,
        host_id uuid NOT NULL,
        guest_id uuid NOT NULL,
        guest_email text NOT NULL,
        guest_name text NOT NULL,
        check_in date NOT NULL,
        check_out date NOT NULL,
        total_amount integer NOT NULL CHECK (total_amount >= 0),
        currency char(3) NOT NULL,
        expires_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'confirmed', 'expired')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.parked_booking_events (
        event_id uuid PRIMARY KEY,
        booking_id uuid NOT NULL,
        event jsonb NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX parked_booking_events_booking_id_idx ON ${s}.parked_booking_events (booking_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${migrationSchemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.parked_booking_events`);
    await queryRunner.query(`DROP TABLE ${s}.booking_stays`);
  }
}
