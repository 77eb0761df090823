import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import { returnedRows } from './sql-result.util';

/** What one sync run did with a feed's events. */
export interface FeedSyncCounts {
  /** Events in the feed that the sync looked at (upcoming, busy). */
  events: number;
  added: number;
  removed: number;
  unchanged: number;
  /** Events overlapping a booking: not blocked. */
  conflicts: number;
  /** Of those, the ones flagged (event + email) in this run: each event and booking once. */
  flagged: number;
  /** Events overlapping another block (the dates are taken already). */
  overlapping: number;
}

export interface FeedSyncRun {
  startedAt: Date;
  finishedAt: Date;
  status: 'ok' | 'failed';
  error: string | null;
  counts: Partial<FeedSyncCounts>;
}

export interface CalendarFeedRow {
  id: string;
  propertyId: string;
  url: string;
  name: string;
  createdAt: Date;
  lastRun: FeedSyncRun | null;
}

/** A feed to sync, with what the conflict email needs about its property. */
export interface FeedToSync {
  id: string;
  propertyId: string;
  hostId: string;
  propertyTitle: string;
  url: string;
  name: string;
}

const FEED_COLUMNS = `f.id, f.property_id AS "propertyId", f.url, f.name, f.created_at AS "createdAt",
       CASE WHEN r.id IS NULL THEN NULL ELSE jsonb_build_object(
         'startedAt', r.started_at, 'finishedAt', r.finished_at, 'status', r.status,
         'error', r.error, 'counts', r.counts) END AS "lastRun"`;

const LAST_RUN = `LEFT JOIN LATERAL (SELECT * FROM rentals.calendar_feed_runs x WHERE x.feed_id = f.id
                    ORDER BY x.started_at DESC LIMIT 1) r ON true`;

/** A JSON timestamp back to a Date (jsonb_build_object gives strings). */
function revive(row: CalendarFeedRow): CalendarFeedRow {
  const run = row.lastRun as (Omit<FeedSyncRun, 'startedAt' | 'finishedAt'> & Record<string, unknown>) | null;
  return {
    ...row,
    lastRun: run
      ? { ...run, startedAt: new Date(String(run.startedAt)), finishedAt: new Date(String(run.finishedAt)) }
      : null,
  };
}

/** The external iCal feeds a property imports, their sync runs and the conflicts they flagged. */
@Injectable()
export class CalendarFeedRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** How many feeds the property has; run under the property's row lock to keep the limit. */
  async count(propertyId: string, tx: Tx): Promise<number> {
    const rows = (await tx.query(
      `SELECT count(*)::integer AS n FROM rentals.calendar_feeds WHERE property_id = $1`,
      [propertyId],
    )) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  /** Registers a feed; false when the property has this URL already. */
  async insert(
    feed: { id: string; propertyId: string; url: string; name: string },
    tx: Tx,
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO rentals.calendar_feeds (id, property_id, url, name) VALUES ($1, $2, $3, $4)
       ON CONFLICT (property_id, url) DO NOTHING RETURNING id`,
      [feed.id, feed.propertyId, feed.url, feed.name],
    )) as unknown[];
    return rows.length === 1;
  }

  async list(propertyId: string): Promise<CalendarFeedRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${FEED_COLUMNS} FROM rentals.calendar_feeds f ${LAST_RUN}
        WHERE f.property_id = $1 ORDER BY f.created_at, f.id`,
      [propertyId],
    )) as CalendarFeedRow[];
    return rows.map(revive);
  }

  async find(propertyId: string, feedId: string): Promise<CalendarFeedRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${FEED_COLUMNS} FROM rentals.calendar_feeds f ${LAST_RUN} WHERE f.id = $1 AND f.property_id = $2`,
      [feedId, propertyId],
    )) as CalendarFeedRow[];
    return rows[0] ? revive(rows[0]) : null;
  }

  /** Deletes the feed with its imported blocks, runs and flags; false when there was none. */
  async delete(propertyId: string, feedId: string, tx: Tx): Promise<boolean> {
    const result: unknown = await tx.query(
      `DELETE FROM rentals.calendar_feeds WHERE id = $1 AND property_id = $2 RETURNING id`,
      [feedId, propertyId],
    );
    return returnedRows(result).length === 1;
  }

  /** A page of every feed to sync, in a stable order. */
  pageToSync(
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<(FeedToSync & { createdAt: Date })[]> {
    return this.dataSource.query(
      `SELECT f.id, f.property_id AS "propertyId", p.host_id AS "hostId", p.title AS "propertyTitle",
              f.url, f.name, f.created_at AS "createdAt"
         FROM rentals.calendar_feeds f JOIN rentals.properties p ON p.id = f.property_id
        WHERE ($1::timestamptz IS NULL OR (f.created_at, f.id) > ($1, $2::uuid))
        ORDER BY f.created_at, f.id
        LIMIT $3`,
      [after?.createdAt ?? null, after?.id ?? null, limit],
    ) as Promise<(FeedToSync & { createdAt: Date })[]>;
  }

  async recordRun(feedId: string, id: string, run: FeedSyncRun, tx: Tx): Promise<void> {
    await tx.query(
      `INSERT INTO rentals.calendar_feed_runs (id, feed_id, started_at, finished_at, status, error, counts)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, feedId, run.startedAt, run.finishedAt, run.status, run.error, JSON.stringify(run.counts)],
    );
    // A feed keeps its last 50 runs: enough to see a pattern, not a growing table.
    await tx.query(
      `DELETE FROM rentals.calendar_feed_runs WHERE feed_id = $1 AND id NOT IN (
         SELECT id FROM rentals.calendar_feed_runs WHERE feed_id = $1 ORDER BY started_at DESC LIMIT 50)`,
      [feedId],
    );
  }

  /** Records that this feed event collides with this booking; true only the first time. */
  async flagConflict(feedId: string, uid: string, bookingId: string, tx: Tx): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO rentals.calendar_conflicts (feed_id, uid, booking_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING booking_id`,
      [feedId, uid, bookingId],
    )) as unknown[];
    return rows.length === 1;
  }
}
