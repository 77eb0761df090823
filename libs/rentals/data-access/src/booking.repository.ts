import { Injectable } from '@nestjs/common';
import { sqlStateOf, type Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import type { CancellationActor, CancellationQuote } from '@rentguy/rentals/domain';
import { BookingEntity } from './booking.entity';
import { lockPropertyCalendar } from './calendar-lock';
import { bookingListQuery, schemaOf, type BookingListCriteria } from './listing.queries';
import { EXCLUSION_VIOLATION, returnedRows } from './sql-result.util';

export type NewBooking = Omit<
  BookingEntity,
  'createdAt' | 'confirmedAt' | 'cancelledAt' | 'cancelledBy' | 'cancellationQuote' | 'cancelIdempotencyKey'
>;

/** What payments reported of one refund of a booking. */
export interface BookingRefund {
  refundId: string;
  bookingId: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'succeeded' | 'failed';
  updatedAt: Date;
}

export interface Cancellation {
  cancelledAt: Date;
  cancelledBy: CancellationActor;
  quote: CancellationQuote;
  idempotencyKey: string | null;
}

/** A booking row of a list, with the exact text of `created_at` that a page key carries. */
export type ListedBooking = BookingEntity & { createdAtKey: string };

/**
 * Thrown when the exclusion constraint refuses dates: they overlap a held or confirmed booking or a
 * block (`calendar_claims`).
 */
export class StayOverlapError extends Error {
  constructor(readonly propertyId: string) {
    super(`the dates overlap a booking or block of property ${propertyId}`);
    this.name = 'StayOverlapError';
  }
}

export interface OccupiedStay {
  id: string;
  checkIn: string;
  checkOut: string;
}

export interface ExpiredHold {
  id: string;
  propertyId: string;
}

/** A held booking, and where the next page of holds starts after it. */
export interface Hold {
  id: string;
  expiresAt: Date;
}

export interface HoldsQuery {
  /** Only holds whose expiry is at or before this instant. */
  dueBy?: Date;
  /** Only holds created at or before this instant. */
  createdBy?: Date;
  /** Only holds after this one in expiry order (the last of the previous page). */
  after?: Hold;
  limit: number;
}

@Injectable()
export class BookingRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** @throws StayOverlapError when the dates are taken (after which `tx` is aborted). */
  async insert(booking: NewBooking, tx: Tx): Promise<BookingEntity> {
    const repository = tx.getRepository(BookingEntity);
    await lockPropertyCalendar(booking.propertyId, tx);
    const created = repository.create({
      ...booking,
      confirmedAt: null,
      cancelledAt: null,
      cancelledBy: null,
      cancellationQuote: null,
      cancelIdempotencyKey: null,
    });
    try {
      // RETURNING fills in what the database generates (created_at): no read-back needed.
      await repository.insert(created);
    } catch (error) {
      throw sqlStateOf(error) === EXCLUSION_VIOLATION ? new StayOverlapError(booking.propertyId) : error;
    }
    return created;
  }

  findById(id: string, tx: Tx = this.dataSource.manager): Promise<BookingEntity | null> {
    return tx.getRepository(BookingEntity).findOneBy({ id });
  }

  /** One page of a guest's bookings or of the bookings on a host's properties, newest first. */
  list(criteria: BookingListCriteria): Promise<ListedBooking[]> {
    const { sql, params } = bookingListQuery(schemaOf(this.dataSource), criteria);
    return this.dataSource.query(sql, params) as Promise<ListedBooking[]>;
  }

  /** The booking, row-locked until `tx` ends, so concurrent payments and the expiry sweep queue up. */
  findByIdForUpdate(id: string, tx: Tx): Promise<BookingEntity | null> {
    return tx.getRepository(BookingEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * The first taken range of the property (a held or confirmed booking, or a block) that overlaps
   * `[checkIn, checkOut)`: what a refused stay or block names as the conflicting dates.
   */
  async findOccupying(propertyId: string, checkIn: string, checkOut: string): Promise<OccupiedStay | null> {
    const rows = (await this.dataSource.query(
      `SELECT coalesce(booking_id, block_id) AS id, lower(period)::text AS "checkIn", upper(period)::text AS "checkOut"
         FROM rentals.calendar_claims
        WHERE property_id = $1 AND period && daterange($2::date, $3::date, '[)')
        ORDER BY lower(period)
        LIMIT 1`,
      [propertyId, checkIn, checkOut],
    )) as OccupiedStay[];
    return rows[0] ?? null;
  }

  async markConfirmed(id: string, confirmedAt: Date, tx: Tx): Promise<void> {
    await tx.query(`UPDATE rentals.bookings SET status = 'confirmed', confirmed_at = $2 WHERE id = $1`, [
      id,
      confirmedAt,
    ]);
  }

  /**
   * Takes the dates of an expired hold again and confirms it, if the exclusion constraint allows.
   * Runs in a savepoint so that a refusal leaves `tx` usable. False when the dates are taken.
   */
  async reholdAndConfirm(id: string, confirmedAt: Date, tx: Tx): Promise<boolean> {
    try {
      await tx.transaction((savepoint) =>
        savepoint.query(
          `UPDATE rentals.bookings SET status = 'confirmed', confirmed_at = $2 WHERE id = $1 AND status = 'expired'`,
          [id, confirmedAt],
        ),
      );
      return true;
    } catch (error) {
      if (sqlStateOf(error) === EXCLUSION_VIOLATION) {
        return false;
      }
      throw error;
    }
  }

  /**
   * Cancels a held or confirmed booking (locked by the caller): its dates leave the exclusion
   * constraint's scope at once. False when it was in another status.
   */
  async markCancelled(id: string, cancellation: Cancellation, tx: Tx): Promise<boolean> {
    const result: unknown = await tx.query(
      `UPDATE rentals.bookings
          SET status = 'cancelled', cancelled_at = $2, cancelled_by = $3, cancellation_quote = $4::jsonb,
              cancel_idempotency_key = $5
        WHERE id = $1 AND status IN ('held', 'confirmed')
        RETURNING id`,
      [
        id,
        cancellation.cancelledAt,
        cancellation.cancelledBy,
        JSON.stringify(cancellation.quote),
        cancellation.idempotencyKey,
      ],
    );
    return returnedRows(result).length > 0;
  }

  /** Records payments' news of a refund; a final status is never overwritten by a replayed event. */
  async recordRefund(refund: Omit<BookingRefund, 'updatedAt'>, tx: Tx): Promise<boolean> {
    const result: unknown = await tx.query(
      `INSERT INTO rentals.booking_refunds (refund_id, booking_id, amount, currency, reason, status)
       SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM rentals.bookings WHERE id = $2)
       ON CONFLICT (refund_id) DO NOTHING
       RETURNING refund_id`,
      [refund.refundId, refund.bookingId, refund.amount, refund.currency, refund.reason, refund.status],
    );
    return returnedRows(result).length > 0;
  }

  /** The refunds payments reported for these bookings, oldest first. */
  async refundsOf(bookingIds: readonly string[]): Promise<BookingRefund[]> {
    if (bookingIds.length === 0) {
      return [];
    }
    return (await this.dataSource.query(
      `SELECT refund_id AS "refundId", booking_id AS "bookingId", amount, currency, reason, status,
              updated_at AS "updatedAt"
         FROM rentals.booking_refunds WHERE booking_id = ANY($1::uuid[]) ORDER BY updated_at, refund_id`,
      [bookingIds],
    )) as BookingRefund[];
  }

  /** Held bookings in expiry order, a page at a time (read without locks). */
  async findHolds(query: HoldsQuery): Promise<Hold[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, expires_at AS "expiresAt"
         FROM rentals.bookings
        WHERE status = 'held'
          AND ($1::timestamptz IS NULL OR expires_at <= $1)
          AND ($2::timestamptz IS NULL OR created_at <= $2)
          AND ($3::timestamptz IS NULL OR (expires_at, id) > ($3, $4::uuid))
        ORDER BY expires_at, id
        LIMIT $5`,
      [
        query.dueBy ?? null,
        query.createdBy ?? null,
        query.after?.expiresAt ?? null,
        query.after?.id ?? null,
        query.limit,
      ],
    )) as Hold[];
    return rows;
  }

  /**
   * Marks those of `ids` still held and past their expiry as expired, and returns them. Rows
   * locked by a concurrent payment confirmation are skipped (SKIP LOCKED) and looked at again next
   * sweep.
   */
  async expireDue(ids: readonly string[], now: Date, tx: Tx): Promise<ExpiredHold[]> {
    const result: unknown = await tx.query(
      `UPDATE rentals.bookings b
          SET status = 'expired'
         FROM (SELECT id FROM rentals.bookings
                WHERE id = ANY($1::uuid[]) AND status = 'held' AND expires_at <= $2
                FOR UPDATE SKIP LOCKED) due
        WHERE b.id = due.id
        RETURNING b.id, b.property_id AS "propertyId"`,
      [ids, now],
    );
    return returnedRows<ExpiredHold>(result);
  }
}
