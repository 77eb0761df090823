import { migrationSchemaOf } from '@rentguy/platform/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendars (docs/architecture.md#calendars): one table of the dates that are taken, by a held or
 * confirmed booking or by a block, under one exclusion constraint; iCal export tokens, imported feeds
 * and their sync runs; the monthly figures of host analytics.
 */
const up = (s: string) => [
  // Blocks imported from a feed carry the feed and the event's UID, so a sync is idempotent.
  `CREATE TABLE ${s}.calendar_feeds (
    id uuid PRIMARY KEY,
    property_id uuid NOT NULL REFERENCES ${s}.properties (id),
    url text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT calendar_feeds_url_unique UNIQUE (property_id, url)
  )`,
  `CREATE INDEX calendar_feeds_created_idx ON ${s}.calendar_feeds (created_at, id)`,
  `ALTER TABLE ${s}.blocks
     ADD COLUMN feed_id uuid NULL REFERENCES ${s}.calendar_feeds (id) ON DELETE CASCADE,
     ADD COLUMN uid text NULL,
     ADD CONSTRAINT blocks_feed_uid_check CHECK ((feed_id IS NULL) = (uid IS NULL)),
     ADD CONSTRAINT blocks_feed_uid_unique UNIQUE (feed_id, uid)`,
  // The one double-booking guard (docs/architecture.md#no-double-booking): a row per held or
  // confirmed booking and per block, kept by the triggers below, so that a block can no more overlap
  // a booking than two bookings can overlap each other. The loser gets SQLSTATE 23P01.
  `CREATE TABLE ${s}.calendar_claims (
    property_id uuid NOT NULL,
    period daterange NOT NULL,
    booking_id uuid NULL,
    block_id uuid NULL REFERENCES ${s}.blocks (id) ON DELETE CASCADE,
    CONSTRAINT calendar_claims_one_source CHECK (num_nonnulls(booking_id, block_id) = 1),
    CONSTRAINT calendar_claims_booking_unique UNIQUE (booking_id),
    CONSTRAINT calendar_claims_block_unique UNIQUE (block_id),
    CONSTRAINT calendar_no_overlap EXCLUDE USING gist (property_id WITH =, period WITH &&)
  )`,
  // Statement-level with transition tables: one set-based write per statement, so a COPY of a
  // million bookings (the bench) does not run a function per row.
  `CREATE FUNCTION ${s}.claim_booking_dates() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' THEN
       DELETE FROM ${s}.calendar_claims c USING changed_rows n
        WHERE c.booking_id = n.id AND n.status NOT IN ('held', 'confirmed');
     END IF;
     INSERT INTO ${s}.calendar_claims (property_id, period, booking_id)
     SELECT n.property_id, n.stay, n.id FROM changed_rows n WHERE n.status IN ('held', 'confirmed')
     ON CONFLICT (booking_id) DO NOTHING;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER bookings_claim_on_insert AFTER INSERT ON ${s}.bookings
     REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.claim_booking_dates()`,
  `CREATE TRIGGER bookings_claim_on_update AFTER UPDATE ON ${s}.bookings
     REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION ${s}.claim_booking_dates()`,
  `CREATE FUNCTION ${s}.claim_block_dates() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO ${s}.calendar_claims (property_id, period, block_id)
     SELECT n.property_id, n.period, n.id FROM new_blocks n;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER blocks_claim_on_insert AFTER INSERT ON ${s}.blocks
     REFERENCING NEW TABLE AS new_blocks FOR EACH STATEMENT EXECUTE FUNCTION ${s}.claim_block_dates()`,
  // A block's dates never change (a moved feed event is a new block), so no update trigger.
  `INSERT INTO ${s}.calendar_claims (property_id, period, booking_id)
   SELECT property_id, stay, id FROM ${s}.bookings WHERE status IN ('held', 'confirmed')`,
  `INSERT INTO ${s}.calendar_claims (property_id, period, block_id)
   SELECT k.property_id, k.period, k.id FROM ${s}.blocks k
    WHERE NOT EXISTS (SELECT 1 FROM ${s}.calendar_claims c WHERE c.property_id = k.property_id AND c.period && k.period)`,
  `ALTER TABLE ${s}.bookings DROP CONSTRAINT bookings_no_overlap`,
  // The iCal export's secret, stored hashed like API keys; the host rotates it (and sees it) once.
  `ALTER TABLE ${s}.properties ADD COLUMN calendar_token_hash text NULL`,
  `CREATE UNIQUE INDEX properties_calendar_token_idx ON ${s}.properties (calendar_token_hash)
     WHERE calendar_token_hash IS NOT NULL`,
  `CREATE TABLE ${s}.calendar_feed_runs (
    id uuid PRIMARY KEY,
    feed_id uuid NOT NULL REFERENCES ${s}.calendar_feeds (id) ON DELETE CASCADE,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('ok', 'failed')),
    error text NULL,
    counts jsonb NOT NULL DEFAULT '{}'::jsonb
  )`,
  `CREATE INDEX calendar_feed_runs_feed_idx ON ${s}.calendar_feed_runs (feed_id, started_at DESC)`,
  // A feed event that collides with a booking is flagged once, not at every sync.
  `CREATE TABLE ${s}.calendar_conflicts (
    feed_id uuid NOT NULL REFERENCES ${s}.calendar_feeds (id) ON DELETE CASCADE,
    uid text NOT NULL,
    booking_id uuid NOT NULL,
    flagged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed_id, uid, booking_id)
  )`,
  // Analytics: nights sold and revenue (spread evenly over a stay's nights) and nights blocked, per
  // property per calendar month. A unique index is what REFRESH … CONCURRENTLY needs.
  `CREATE MATERIALIZED VIEW ${s}.property_month_stats AS
   WITH sold AS (
     SELECT b.property_id, date_trunc('month', n.night)::date AS month,
            count(*)::integer AS booked_nights,
            sum(b.total_amount::numeric / (b.check_out - b.check_in)) AS revenue
       FROM ${s}.bookings b
       CROSS JOIN LATERAL generate_series(b.check_in, b.check_out - 1, interval '1 day') AS n(night)
      WHERE b.status IN ('confirmed', 'completed')
      GROUP BY 1, 2
   ), blocked AS (
     SELECT k.property_id, date_trunc('month', n.night)::date AS month, count(*)::integer AS blocked_nights
       FROM ${s}.blocks k
       CROSS JOIN LATERAL generate_series(k.starts_on, k.ends_on - 1, interval '1 day') AS n(night)
      GROUP BY 1, 2
   )
   SELECT coalesce(s.property_id, k.property_id) AS property_id,
          coalesce(s.month, k.month) AS month,
          coalesce(s.booked_nights, 0) AS booked_nights,
          coalesce(k.blocked_nights, 0) AS blocked_nights,
          round(coalesce(s.revenue, 0))::bigint AS revenue
     FROM sold s FULL JOIN blocked k ON k.property_id = s.property_id AND k.month = s.month
   WITH NO DATA`,
  `CREATE UNIQUE INDEX property_month_stats_key ON ${s}.property_month_stats (property_id, month)`,
  `REFRESH MATERIALIZED VIEW ${s}.property_month_stats`,
  `CREATE TABLE ${s}.view_refreshes (
    view_name text PRIMARY KEY,
    refreshed_at timestamptz NOT NULL
  )`,
  `INSERT INTO ${s}.view_refreshes (view_name, refreshed_at) VALUES ('property_month_stats', now())`,
];

const down = (s: string) => [
  `DROP TABLE ${s}.view_refreshes`,
  `DROP MATERIALIZED VIEW ${s}.property_month_stats`,
  `DROP TABLE ${s}.calendar_conflicts`,
  `DROP TABLE ${s}.calendar_feed_runs`,
  `DROP INDEX ${s}.properties_calendar_token_idx`,
  `ALTER TABLE ${s}.properties DROP COLUMN calendar_token_hash`,
  `ALTER TABLE ${s}.bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (property_id WITH =, stay WITH &&)
     WHERE (status IN ('held', 'confirmed'))`,
  `DROP TRIGGER blocks_claim_on_insert ON ${s}.blocks`,
  `DROP FUNCTION ${s}.claim_block_dates()`,
  `DROP TRIGGER bookings_claim_on_update ON ${s}.bookings`,
  `DROP TRIGGER bookings_claim_on_insert ON ${s}.bookings`,
  `DROP FUNCTION ${s}.claim_booking_dates()`,
  `DROP TABLE ${s}.calendar_claims`,
  `DELETE FROM ${s}.blocks WHERE feed_id IS NOT NULL`,
  `ALTER TABLE ${s}.blocks
     DROP CONSTRAINT blocks_feed_uid_unique,
     DROP CONSTRAINT blocks_feed_uid_check,
     DROP COLUMN uid,
     DROP COLUMN feed_id`,
  `DROP TABLE ${s}.calendar_feeds`,
];

export class Calendars1763200000000 implements MigrationInterface {
  readonly name = 'Calendars1763200000000';

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
