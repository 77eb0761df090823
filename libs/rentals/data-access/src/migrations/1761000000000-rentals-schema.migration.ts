import { migrationSchemaOf } from '@rentguy/platform/database';
import { outboxMigrationSql } from '@rentguy/platform/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `s` is the quoted schema the migration runs in (`"rentals"` in the app). */
const up = (s: string) => [
  // Infra creates btree_gist in `public` already; this keeps a fresh database migratable on its own.
  `CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public`,
  `CREATE TABLE ${s}.properties (
    id uuid PRIMARY KEY,
    host_id uuid NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    city text NOT NULL,
    country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    nightly_price integer NOT NULL CHECK (nightly_price > 0),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    max_guests integer NOT NULL CHECK (max_guests > 0),
    cleaning_fee integer NOT NULL DEFAULT 0 CHECK (cleaning_fee >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX properties_host_id_idx ON ${s}.properties (host_id)`,
  `CREATE TABLE ${s}.bookings (
    id uuid PRIMARY KEY,
    property_id uuid NOT NULL REFERENCES ${s}.properties (id),
    guest_id uuid NOT NULL,
    guest_email text NOT NULL,
    guest_name text NOT NULL,
    check_in date NOT NULL,
    check_out date NOT NULL,
    stay daterange GENERATED ALWAYS AS (daterange(check_in, check_out, '[)')) STORED,
    guests integer NOT NULL CHECK (guests > 0),
    status text NOT NULL CHECK (status IN ('held', 'confirmed', 'completed', 'expired', 'cancelled')),
    total_amount integer NOT NULL CHECK (total_amount >= 0),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    price_breakdown jsonb NOT NULL,
    expires_at timestamptz NOT NULL,
    confirmed_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bookings_stay_check CHECK (check_out > check_in),
    -- The only double-booking guard (docs/architecture.md#no-double-booking): inserts serialise on the index,
    -- and the loser gets SQLSTATE 23P01.
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (property_id WITH =, stay WITH &&)
      WHERE (status IN ('held', 'confirmed'))
  )`,
  `CREATE INDEX bookings_property_id_idx ON ${s}.bookings (property_id)`,
  `CREATE INDEX bookings_guest_id_idx ON ${s}.bookings (guest_id)`,
  // The hold-expiry sweep reads only live holds.
  `CREATE INDEX bookings_held_expires_at_idx ON ${s}.bookings (expires_at) WHERE status = 'held'`,
  `CREATE TABLE ${s}.images (
    id uuid PRIMARY KEY,
    property_id uuid NOT NULL REFERENCES ${s}.properties (id),
    status text NOT NULL CHECK (status IN ('processing', 'ready', 'failed')),
    original_key text NOT NULL,
    content_type text NOT NULL,
    variants jsonb NOT NULL DEFAULT '[]'::jsonb,
    error text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX images_property_id_idx ON ${s}.images (property_id, created_at)`,
  `CREATE INDEX images_processing_created_at_idx ON ${s}.images (created_at) WHERE status = 'processing'`,
  `CREATE TABLE ${s}.applications (
    id uuid PRIMARY KEY,
    property_id uuid NOT NULL REFERENCES ${s}.properties (id),
    guest_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('screening', 'approved', 'declined', 'review')),
    consent_at timestamptz NOT NULL,
    applicant_full_name text NOT NULL,
    applicant_date_of_birth date NULL,
    outcome jsonb NULL,
    decided_at timestamptz NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT applications_decided_check CHECK ((status = 'screening') = (decided_at IS NULL))
  )`,
  `CREATE INDEX applications_property_id_idx ON ${s}.applications (property_id)`,
  `CREATE INDEX applications_guest_id_idx ON ${s}.applications (guest_id)`,
  `CREATE INDEX applications_screening_created_at_idx ON ${s}.applications (created_at) WHERE status = 'screening'`,
];

const down = (s: string) => [
  `DROP TABLE ${s}.applications`,
  `DROP TABLE ${s}.images`,
  `DROP TABLE ${s}.bookings`,
  `DROP TABLE ${s}.properties`,
];

export class RentalsSchema1761000000000 implements MigrationInterface {
  readonly name = 'RentalsSchema1761000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchemaOf(queryRunner);
    for (const sql of [...up(`"${schema}"`), ...outboxMigrationSql(schema).up]) {
      await queryRunner.query(sql);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = migrationSchemaOf(queryRunner);
    for (const sql of [...outboxMigrationSql(schema).down, ...down(`"${schema}"`)]) {
      await queryRunner.query(sql);
    }
  }
}
