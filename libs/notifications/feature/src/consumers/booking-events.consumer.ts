import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { BookingEmails } from '../booking-emails.service';

/**
 * rentals' booking topic → the guest's and host's emails: a ledger row in the inbox transaction, the
 * `email.send` job once it has committed (Kafka handlers never send mail themselves: a slow relay
 * would stall heartbeats and trigger rebalances). The topic is keyed by booking id, so a booking's
 * `booking.held` is consumed before its later events.
 */
@Controller()
export class BookingEventsConsumer {
  constructor(private readonly emails: BookingEmails) {}

  @OnEvent('booking.held')
  onBookingHeld(@Payload() event: EventEnvelope<'booking.held'>, @Ctx() inbox: InboxContext): Promise<void> {
    return this.emails.held(inbox.tx, event);
  }

  @OnEvent('booking.confirmed')
  onBookingConfirmed(
    @Payload() event: EventEnvelope<'booking.confirmed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    return this.emails.confirmed(inbox.tx, event);
  }

  @OnEvent('booking.expired')
  onBookingExpired(
    @Payload() event: EventEnvelope<'booking.expired'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    return this.emails.expired(inbox.tx, event);
  }
}
