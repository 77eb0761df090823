import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Listings a host manages (published flag, stay rules, cancellation policy), host blocks, and the
 * indexes of the public search and the paged lists (docs/architecture.md#search-and-availability).
 */
const up = (s: string) => [
  // Listings that existed before this migration were public: they stay published.
  `ALTER TABLE ${s}.properties
     ADD COLUMN published boolean NOT NULL DEFAULT true,
     ADD COLUMN min_nights integer NOT NULL DEFAULT 1 CHECK (min_nights >= 1),
     ADD COLUMN max_nights integer NOT NULL DEFAULT 365 CHECK (max_nights <= 365),
     ADD COLUMN cancellation_policy text NOT NULL DEFAULT 'flexible'
       CHECK (cancellation_policy IN ('flexible', 'moderate', 'strict')),
     ADD CONSTRAINT properties_nights_check CHECK (min_nights <= max_nights)`,
  // A booking keeps the policy in force when it was made, as it keeps its price.
  `ALTER TABLE ${s}.bookings
     ADD COLUMN cancellation_policy text NOT NULL DEFAULT 'flexible'
       CHECK (cancellation_policy IN ('flexible', 'moderate', 'strict'))`,
  // Dates a host takes off the market, `[starts_on, ends_on)`. Search treats them like held or
  // confirmed bookings; the calendar routes that write them come later.
  `CREATE TABLE ${s}.blocks (
    id uuid PRIMARY KEY,
    property_id uuid NOT NULL REFERENCES ${s}.properties (id),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    period daterange GENERATED ALWAYS AS (daterange(starts_on, ends_on, '[)')) STORED,
    note text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT blocks_period_check CHECK (ends_on > starts_on)
  )`,
  `CREATE INDEX blocks_property_period_idx ON ${s}.blocks USING gist (property_id, period)`,
  // Search: one index per filter prefix (city, country, none) and order (price, newest), each
  // holding published listings only and ending in the keyset's tiebreaker, so a page is an index
  // range read that stops after `limit` rows. Availability is an anti-join on the exclusion
  // constraint's gist index (property_id, stay) of held and confirmed bookings.
  `CREATE INDEX properties_city_price_idx ON ${s}.properties (lower(city), nightly_price, id) WHERE published`,
  `CREATE INDEX properties_city_newest_idx ON ${s}.properties (lower(city), created_at DESC, id DESC) WHERE published`,
  `CREATE INDEX properties_country_price_idx ON ${s}.properties (country, nightly_price, id) WHERE published`,
  `CREATE INDEX properties_country_newest_idx ON ${s}.properties (country, created_at DESC, id DESC) WHERE published`,
  `CREATE INDEX properties_price_idx ON ${s}.properties (nightly_price, id) WHERE published`,
  `CREATE INDEX properties_newest_idx ON ${s}.properties (created_at DESC, id DESC) WHERE published`,
  // Paged lists, newest first: a host's properties, a guest's bookings, a property's bookings.
  `DROP INDEX ${s}.properties_host_id_idx`,
  `CREATE INDEX properties_host_created_idx ON ${s}.properties (host_id, created_at DESC, id DESC)`,
  `DROP INDEX ${s}.bookings_guest_id_idx`,
  `CREATE INDEX bookings_guest_created_idx ON ${s}.bookings (guest_id, created_at DESC, id DESC)`,
  `DROP INDEX ${s}.bookings_property_id_idx`,
  `CREATE INDEX bookings_property_created_idx ON ${s}.bookings (property_id, created_at DESC, id DESC)`,
];

const down = (s: string) => [
  `DROP INDEX ${s}.bookings_property_created_idx`,
  `CREATE INDEX bookings_property_id_idx ON ${s}.bookings (property_id)`,
  `DROP INDEX ${s}.bookings_guest_created_idx`,
  `CREATE INDEX bookings_guest_id_idx ON ${s}.bookings (guest_id)`,
  `DROP INDEX ${s}.properties_host_created_idx`,
  `CREATE INDEX properties_host_id_idx ON ${s}.properties (host_id)`,
  `DROP INDEX ${s}.properties_newest_idx`,
  `DROP INDEX ${s}.properties_price_idx`,
  `DROP INDEX ${s}.properties_country_newest_idx`,
  `DROP INDEX ${s}.properties_country_price_idx`,
  `DROP INDEX ${s}.properties_city_newest_idx`,
  `DROP INDEX ${s}.properties_city_price_idx`,
  `DROP TABLE ${s}.blocks`,
  `ALTER TABLE ${s}.bookings DROP COLUMN cancellation_policy`,
  `ALTER TABLE ${s}.properties
     DROP CONSTRAINT properties_nights_check,
     DROP COLUMN cancellation_policy,
     DROP COLUMN max_nights,
     DROP COLUMN min_nights,
     DROP COLUMN published`,
];

export class SearchAndPricing1762000000000 implements MigrationInterface {
  readonly name = 'SearchAndPricing1762000000000';

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
