import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { BookingProjectionRepository } from '@rentguy/payments/data-access';

/**
 * Payments' consumer group (`consumerGroups.payments`): keeps the booking projection that decides
 * what may be paid. Each handler writes in the inbox transaction, so a redelivered event changes
 * nothing.
 */
@Controller()
export class BookingEventsConsumer {
  constructor(private readonly projections: BookingProjectionRepository) {}

  @OnEvent('booking.held')
  async onBookingHeld(
    @Payload() { data }: EventEnvelope<'booking.held'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.upsertHeld(inbox.tx, {
      bookingId: data.bookingId,
      guestId: data.guestId,
      amount: data.totalAmount,
      currency: data.currency,
      expiresAt: new Date(data.expiresAt),
    });
  }

  @OnEvent('booking.expired')
  async onBookingExpired(
    @Payload() { data }: EventEnvelope<'booking.expired'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.markExpired(inbox.tx, data.bookingId);
  }

  @OnEvent('booking.confirmed')
  async onBookingConfirmed(
    @Payload() { data, occurredAt }: EventEnvelope<'booking.confirmed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.markConfirmed(inbox.tx, {
      bookingId: data.bookingId,
      guestId: data.guestId,
      amount: data.totalAmount,
      currency: data.currency,
      confirmedAt: new Date(occurredAt),
    });
  }
}
