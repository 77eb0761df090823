import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { DeliveryService } from '../delivery.service';
import { RecipientDirectory } from '../recipient-directory.service';

/**
 * `booking.confirmed` → the guest's confirmation email: a ledger row in the inbox transaction, the
 * `email.send` job once it has committed (Kafka handlers never send mail themselves: a slow relay
 * would stall heartbeats and trigger rebalances). The guest is addressed from the directory; a
 * guest whose registration has not reached us yet gets it at the address the booking carries.
 */
@Controller()
export class BookingConfirmedConsumer {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly directory: RecipientDirectory,
  ) {}

  @OnEvent('booking.confirmed')
  async onBookingConfirmed(
    @Payload() event: EventEnvelope<'booking.confirmed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    const guest = await this.directory.resolve(inbox.tx, data.guestId, {
      email: data.guestEmail,
      name: data.guestName,
      locale: data.locale,
    });
    await this.deliveries.request(inbox.tx, event, 'booking-confirmed', guest, {
      bookingId: data.bookingId,
      guestName: data.guestName,
      propertyTitle: data.propertyTitle,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      totalAmount: data.totalAmount,
      currency: data.currency,
    });
  }
}
