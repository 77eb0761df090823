import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BookingStayEntity, type BookingStayStatus } from './booking-stay.entity';

export type HeldStay = Omit<BookingStayEntity, 'status'>;

/** Notifications' copy of bookings in `notifications.booking_stays`. */
@Injectable()
export class BookingStayRepository {
  /** Records a hold; a redelivered `booking.held` leaves the stored row (and its status) as it is. */
  async recordHeld(manager: EntityManager, stay: HeldStay): Promise<void> {
    await manager.query(
      `INSERT INTO notifications.booking_stays
         (booking_id, property_id, property_title, host_id, guest_id, guest_email, guest_name,
          check_in, check_out, total_amount, currency, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (booking_id) DO NOTHING`,
      [
        stay.bookingId,
        stay.propertyId,
        stay.propertyTitle,
        stay.hostId,
        stay.guestId,
        stay.guestEmail,
        stay.guestName,
        stay.checkIn,
        stay.checkOut,
        stay.totalAmount,
        stay.currency,
        stay.expiresAt,
      ],
    );
  }

  /**
   * Moves a stay on from `held`; confirmed and expired are final here (rentals re-holds and confirms
   * a late-paid expired hold, so `expired` may still become `confirmed`, never the reverse).
   * @returns the stay as it is now, or null when `booking.held` was never seen.
   */
  async markStatus(
    manager: EntityManager,
    bookingId: string,
    status: Exclude<BookingStayStatus, 'held'>,
  ): Promise<BookingStayEntity | null> {
    const allowedFrom = status === 'confirmed' ? ['held', 'expired'] : ['held'];
    await manager.query(
      `UPDATE notifications.booking_stays SET status = $2, updated_at = now()
        WHERE booking_id = $1 AND status = ANY($3::text[])`,
      [bookingId, status, allowedFrom],
    );
    return this.find(manager, bookingId);
  }

  find(manager: EntityManager, bookingId: string): Promise<BookingStayEntity | null> {
    return manager.getRepository(BookingStayEntity).findOneBy({ bookingId });
  }

  /** Keeps an event about a booking whose hold has not arrived yet; parking it twice keeps one. */
  async park(manager: EntityManager, bookingId: string, event: { id: string }): Promise<void> {
    await manager.query(
      `INSERT INTO notifications.parked_booking_events (event_id, booking_id, event)
       VALUES ($1, $2, $3::jsonb) ON CONFLICT (event_id) DO NOTHING`,
      [event.id, bookingId, JSON.stringify(event)],
    );
  }

  /** Removes and returns the events parked for a booking, oldest first (commits with the caller). */
  async unpark(manager: EntityManager, bookingId: string): Promise<unknown[]> {
    // A bare DELETE … RETURNING comes back from TypeORM as [rows, count]; a SELECT over it as rows.
    const rows: { event: unknown }[] = await manager.query(
      `WITH taken AS (
         DELETE FROM notifications.parked_booking_events WHERE booking_id = $1 RETURNING event, parked_at
       )
       SELECT event FROM taken ORDER BY parked_at`,
      [bookingId],
    );
    return rows.map((row) => row.event);
  }
}
