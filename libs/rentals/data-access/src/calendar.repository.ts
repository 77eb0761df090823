import { Injectable } from '@nestjs/common';
import { sqlStateOf, type Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import { StayOverlapError } from './booking.repository';
import { lockPropertyCalendar } from './calendar-lock';
import { EXCLUSION_VIOLATION, returnedRows } from './sql-result.util';

/** A block `[from, to)`: set by the host (`feedId` null) or imported from a feed event (`uid`). */
export interface BlockRow {
  id: string;
  propertyId: string;
  from: string;
  to: string;
  note: string;
  feedId: string | null;
  uid: string | null;
  createdAt: Date;
}

export type NewBlock = Omit<BlockRow, 'createdAt'>;

/** A taken range of a property's calendar, and by what; never who. */
export interface CalendarClaim {
  /** The booking's or the block's id. */
  id: string;
  kind: 'booking' | 'block';
  from: string;
  to: string;
}

const BLOCK_COLUMNS = `id, property_id AS "propertyId", starts_on::text AS "from", ends_on::text AS "to", note,
       feed_id AS "feedId", uid, created_at AS "createdAt"`;

/**
 * Blocks and the calendar they share with bookings (`calendar_claims`, one exclusion constraint for
 * both; docs/architecture.md#calendars), and the property's iCal export secret.
 */
@Injectable()
export class CalendarRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the dates for a block, in a savepoint so that a refusal leaves `tx` usable.
   * @throws StayOverlapError when a held or confirmed booking or another block has them.
   */
  async insertBlock(block: NewBlock, tx: Tx): Promise<BlockRow> {
    await this.lockCalendar(block.propertyId, tx);
    try {
      return await tx.transaction(async (savepoint) => {
        const rows = (await savepoint.query(
          `INSERT INTO rentals.blocks (id, property_id, starts_on, ends_on, note, feed_id, uid)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING ${BLOCK_COLUMNS}`,
          [block.id, block.propertyId, block.from, block.to, block.note, block.feedId, block.uid],
        )) as BlockRow[];
        const [row] = rows;
        if (!row) {
          throw new Error('the block insert returned no row');
        }
        return row;
      });
    } catch (error) {
      throw sqlStateOf(error) === EXCLUSION_VIOLATION ? new StayOverlapError(block.propertyId) : error;
    }
  }

  /** Takes the property's calendar lock for `tx` (see `lockPropertyCalendar`). */
  lockCalendar(propertyId: string, tx: Tx): Promise<void> {
    return lockPropertyCalendar(propertyId, tx);
  }

  async findBlock(propertyId: string, blockId: string): Promise<BlockRow | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${BLOCK_COLUMNS} FROM rentals.blocks WHERE id = $1 AND property_id = $2`,
      [blockId, propertyId],
    )) as BlockRow[];
    return rows[0] ?? null;
  }

  /** The blocks of a property that end after `from`, earliest first. */
  listBlocks(propertyId: string, from: string): Promise<BlockRow[]> {
    return this.dataSource.query(
      `SELECT ${BLOCK_COLUMNS} FROM rentals.blocks WHERE property_id = $1 AND ends_on > $2::date
        ORDER BY starts_on, id LIMIT 1000`,
      [propertyId, from],
    ) as Promise<BlockRow[]>;
  }

  /** The blocks imported from a feed, with their event UIDs. */
  listFeedBlocks(feedId: string, tx: Tx): Promise<BlockRow[]> {
    return tx.query(`SELECT ${BLOCK_COLUMNS} FROM rentals.blocks WHERE feed_id = $1`, [feedId]) as Promise<
      BlockRow[]
    >;
  }

  /** Deletes blocks (their claims go with them); returns how many there were. */
  async deleteBlocks(ids: readonly string[], tx: Tx): Promise<number> {
    if (ids.length === 0) {
      return 0;
    }
    const result: unknown = await tx.query(
      `DELETE FROM rentals.blocks WHERE id = ANY($1::uuid[]) RETURNING id`,
      [ids],
    );
    return returnedRows(result).length;
  }

  /** What takes the property's dates within `[from, to)`, earliest first. */
  claims(propertyId: string, from: string, to: string): Promise<CalendarClaim[]> {
    return this.dataSource.query(
      `SELECT coalesce(booking_id, block_id) AS id,
              CASE WHEN booking_id IS NULL THEN 'block' ELSE 'booking' END AS kind,
              lower(period)::text AS "from", upper(period)::text AS "to"
         FROM rentals.calendar_claims
        WHERE property_id = $1 AND period && daterange($2::date, $3::date, '[)')
        ORDER BY lower(period)`,
      [propertyId, from, to],
    ) as Promise<CalendarClaim[]>;
  }

  /** The held or confirmed booking whose stay overlaps `[from, to)`, if any (for conflict flags). */
  async findOverlappingBooking(
    propertyId: string,
    from: string,
    to: string,
    tx: Tx,
  ): Promise<CalendarClaim | null> {
    const rows = (await tx.query(
      `SELECT booking_id AS id, 'booking' AS kind, lower(period)::text AS "from", upper(period)::text AS "to"
         FROM rentals.calendar_claims
        WHERE property_id = $1 AND booking_id IS NOT NULL AND period && daterange($2::date, $3::date, '[)')
        ORDER BY lower(period)
        LIMIT 1`,
      [propertyId, from, to],
    )) as CalendarClaim[];
    return rows[0] ?? null;
  }

  async setExportTokenHash(propertyId: string, hash: string, tx: Tx): Promise<void> {
    await tx.query(`UPDATE rentals.properties SET calendar_token_hash = $2 WHERE id = $1`, [
      propertyId,
      hash,
    ]);
  }

  /** The id of the property whose export secret hashes to `hash`. */
  async findByExportTokenHash(hash: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM rentals.properties WHERE calendar_token_hash = $1`,
      [hash],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }
}
