import { Injectable } from '@nestjs/common';
import { BookingRepository, type BookingEntity } from '@rentguy/rentals/data-access';
import { toBookingView, type BookingView } from './rentals.views';

/** Booking views with the refunds payments reported for them, one query per page. */
@Injectable()
export class BookingViewLoader {
  constructor(private readonly bookings: BookingRepository) {}

  async one(booking: BookingEntity): Promise<BookingView> {
    return toBookingView(booking, await this.bookings.refundsOf([booking.id]));
  }

  async many(bookings: readonly BookingEntity[]): Promise<BookingView[]> {
    const refunds = await this.bookings.refundsOf(bookings.map((b) => b.id));
    return bookings.map((b) =>
      toBookingView(
        b,
        refunds.filter((r) => r.bookingId === b.id),
      ),
    );
  }
}
