import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { DataSource } from 'typeorm';
import { BookingProjectionEntity, type ProjectedBookingStatus } from './booking-projection.entity';
import { qualifiedTable } from './qualified-table.util';

interface ProjectionRow {
  booking_id: string;
  guest_id: string;
  amount: number;
  currency: string;
  expires_at: Date;
  status: ProjectedBookingStatus;
  property_title: string;
  updated_at: Date;
}

export type BookingProjection = BookingProjectionEntity;

export interface HeldBooking {
  bookingId: string;
  guestId: string;
  amount: number;
  currency: string;
  expiresAt: Date;
}

/** A booking as rentals reported it when its event had not reached us yet. */
export interface ReadBooking extends HeldBooking {
  status: ProjectedBookingStatus;
}

const COLUMNS = 'booking_id, guest_id, amount, currency, expires_at, status, property_title, updated_at';

function projectionOf(row: ProjectionRow): BookingProjection {
  return {
    bookingId: row.booking_id,
    guestId: row.guest_id,
    amount: row.amount,
    currency: row.currency,
    expiresAt: row.expires_at,
    status: row.status,
    propertyTitle: row.property_title,
    updatedAt: row.updated_at,
  };
}

/** All SQL on `booking_projection`. */
@Injectable()
export class BookingProjectionRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = qualifiedTable(dataSource, BookingProjectionEntity);
  }

  async find(bookingId: string): Promise<BookingProjection | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE booking_id = $1`, [
      bookingId,
    ])) as ProjectionRow[];
    return rows[0] ? projectionOf(rows[0]) : null;
  }

  /** Row-locks the booking so that concurrent payment requests for it run one after the other. */
  async lock(tx: Tx, bookingId: string): Promise<BookingProjection | null> {
    const rows = (await tx.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE booking_id = $1 FOR UPDATE`, [
      bookingId,
    ])) as ProjectionRow[];
    return rows[0] ? projectionOf(rows[0]) : null;
  }

  /**
   * A held booking; a booking that has moved on (confirmed, expired) is never made held again, and
   * a row that already says exactly this (read through from rentals before the event) is left alone.
   */
  async upsertHeld(tx: Tx, booking: HeldBooking): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table} AS p (booking_id, guest_id, amount, currency, expires_at, status)
       VALUES ($1, $2, $3, $4, $5, 'held')
       ON CONFLICT (booking_id) DO UPDATE
          SET guest_id = EXCLUDED.guest_id, amount = EXCLUDED.amount, currency = EXCLUDED.currency,
              expires_at = EXCLUDED.expires_at, updated_at = now()
        WHERE p.status = 'held'
          AND (p.guest_id, p.amount, p.currency, p.expires_at)
              IS DISTINCT FROM (EXCLUDED.guest_id, EXCLUDED.amount, EXCLUDED.currency, EXCLUDED.expires_at)`,
      [booking.bookingId, booking.guestId, booking.amount, booking.currency, booking.expiresAt],
    );
  }

  /**
   * A booking read from rentals before its events arrived. Never overwrites: if an event got here
   * first, the event stream stays the authority and the events that follow apply as usual.
   */
  async insertIfAbsent(tx: Tx, booking: ReadBooking): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table} (booking_id, guest_id, amount, currency, expires_at, status)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (booking_id) DO NOTHING`,
      [
        booking.bookingId,
        booking.guestId,
        booking.amount,
        booking.currency,
        booking.expiresAt,
        booking.status,
      ],
    );
  }

  async markExpired(tx: Tx, bookingId: string): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET status = 'expired', updated_at = now() WHERE booking_id = $1 AND status = 'held'`,
      [bookingId],
    );
  }

  /**
   * Confirmed wins over anything but a cancellation (a paid expired hold is re-held and confirmed
   * by rentals; a cancelled booking is never confirmed again).
   */
  async markConfirmed(
    tx: Tx,
    booking: Omit<HeldBooking, 'expiresAt'> & { confirmedAt: Date; propertyTitle: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table} AS p (booking_id, guest_id, amount, currency, expires_at, status, property_title)
       VALUES ($1, $2, $3, $4, $5, 'confirmed', $6)
       ON CONFLICT (booking_id) DO UPDATE SET status = 'confirmed', property_title = EXCLUDED.property_title, updated_at = now()
        WHERE p.status <> 'cancelled'`,
      [
        booking.bookingId,
        booking.guestId,
        booking.amount,
        booking.currency,
        booking.confirmedAt,
        booking.propertyTitle,
      ],
    );
  }

  /** Cancelled is final: nothing may be paid for the booking any more. */
  async markCancelled(
    tx: Tx,
    booking: Omit<HeldBooking, 'expiresAt'> & { cancelledAt: Date; propertyTitle: string },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table} AS p (booking_id, guest_id, amount, currency, expires_at, status, property_title)
       VALUES ($1, $2, $3, $4, $5, 'cancelled', $6)
       ON CONFLICT (booking_id) DO UPDATE SET status = 'cancelled', property_title = EXCLUDED.property_title, updated_at = now()`,
      [
        booking.bookingId,
        booking.guestId,
        booking.amount,
        booking.currency,
        booking.cancelledAt,
        booking.propertyTitle,
      ],
    );
  }
}
