import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@rentguy/contracts';
import type { Tx } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { BookingRepository, PropertyRepository, type BookingEntity } from '@rentguy/rentals/data-access';
import { settlePayment } from '@rentguy/rentals/domain';
import { RentalsMetrics } from './rentals.metrics';

export type SettlementOutcome =
  | 'confirmed'
  | 'reheld-and-confirmed'
  | 'already-confirmed'
  | 'dates-taken'
  | 'not-confirmable'
  | 'unknown-booking';

/** Turns a successful payment into a confirmed booking (flow step 6). */
@Injectable()
export class BookingSettlementService {
  private readonly logger = new Logger(BookingSettlementService.name);

  constructor(
    private readonly bookings: BookingRepository,
    private readonly properties: PropertyRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
  ) {}

  /**
   * Runs inside the consumer's inbox transaction `tx`: the status change and `booking.confirmed`
   * commit together with the record that this payment event was applied.
   */
  async onPaymentSucceeded(event: EventEnvelope<'payment.succeeded'>, tx: Tx): Promise<SettlementOutcome> {
    const { bookingId, paymentId, amount, currency } = event.data;
    // The row lock orders this against the expiry sweep and a duplicate payment for the same booking.
    const booking = await this.bookings.findByIdForUpdate(bookingId, tx);
    if (!booking) {
      this.logger.warn(`payment ${paymentId} succeeded for unknown booking ${bookingId}`);
      return 'unknown-booking';
    }
    if (amount !== booking.totalAmount || currency !== booking.currency) {
      this.logger.warn(
        `payment ${paymentId} for booking ${bookingId} is ${amount} ${currency}, the booking costs ${booking.totalAmount} ${booking.currency}`,
      );
    }
    const confirmedAt = new Date();
    const settlement = settlePayment(booking.status);
    switch (settlement.kind) {
      case 'confirm':
        await this.bookings.markConfirmed(booking.id, confirmedAt, tx);
        await this.publishConfirmed(booking, tx);
        return 'confirmed';
      case 'rehold-and-confirm':
        if (await this.bookings.reholdAndConfirm(booking.id, confirmedAt, tx)) {
          await this.publishConfirmed(booking, tx);
          return 'reheld-and-confirmed';
        }
        // Someone else holds the dates. The guest is owed a refund (docs/architecture.md#bookings), which a
        // refund flow in payments will issue; until then the booking stays expired.
        this.logger.warn(
          `payment ${paymentId} arrived after hold ${bookingId} expired and its dates were taken`,
        );
        return 'dates-taken';
      case 'already-confirmed':
        return 'already-confirmed';
      case 'unconfirmable':
        this.logger.warn(
          `payment ${paymentId} succeeded for booking ${bookingId}, which is ${settlement.status}`,
        );
        return 'not-confirmable';
    }
  }

  private async publishConfirmed(booking: BookingEntity, tx: Tx): Promise<void> {
    const property = await this.properties.findById(booking.propertyId, tx);
    await this.outbox.add(tx, 'booking.confirmed', booking.id, {
      bookingId: booking.id,
      propertyId: booking.propertyId,
      propertyTitle: property?.title ?? '',
      guestId: booking.guestId,
      guestEmail: booking.guestEmail,
      guestName: booking.guestName,
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
      totalAmount: booking.totalAmount,
      currency: booking.currency,
      locale: 'en',
    });
    this.metrics.bookingsConfirmed.inc();
  }
}
