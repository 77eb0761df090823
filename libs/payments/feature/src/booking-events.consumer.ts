import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@rentguy/contracts';
import { ConsumerHost } from '@rentguy/platform/messaging';
import { BookingProjectionRepository } from './data-access/booking-projection.repository';

/** Consumer group of the payments service. */
export const PAYMENTS_CONSUMER_GROUP = 'payments';

/**
 * Keeps the booking projection that decides what may be paid. Each handler runs inside the
 * consumer's inbox transaction, so a redelivered event changes nothing.
 */
@Injectable()
export class BookingEventsConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: ConsumerHost,
    private readonly projections: BookingProjectionRepository,
  ) {}

  onModuleInit(): void {
    this.consumers.subscribe({
      group: PAYMENTS_CONSUMER_GROUP,
      topics: [Topics.booking],
      handlers: {
        'booking.held': async ({ data }, tx) => {
          await this.projections.upsertHeld(tx, {
            bookingId: data.bookingId,
            guestId: data.guestId,
            amount: data.totalAmount,
            currency: data.currency,
            expiresAt: new Date(data.expiresAt),
          });
        },
        'booking.expired': async ({ data }, tx) => {
          await this.projections.markExpired(tx, data.bookingId);
        },
        'booking.confirmed': async ({ data, occurredAt }, tx) => {
          await this.projections.markConfirmed(tx, {
            bookingId: data.bookingId,
            guestId: data.guestId,
            amount: data.totalAmount,
            currency: data.currency,
            confirmedAt: new Date(occurredAt),
          });
        },
      },
    });
  }
}
