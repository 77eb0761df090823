import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { DeliveryService } from '../delivery.service';
import { RecipientDirectory } from '../recipient-directory.service';

/**
 * `booking.cancelled` → the guest's cancellation email (with the refund and when to expect it), and
 * the host's when the guest cancelled; `refund.succeeded` → the guest's refund email. Recipients are
 * resolved by id from the directory; the ledger records each (event, template, recipient) once.
 */
@Controller()
export class CancellationEmailsConsumer {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly directory: RecipientDirectory,
  ) {}

  @OnEvent('booking.cancelled')
  async onBookingCancelled(
    @Payload() event: EventEnvelope<'booking.cancelled'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    const guest = await this.directory.resolve(inbox.tx, data.guestId, {
      email: data.guestEmail,
      name: data.guestName,
      locale: data.locale,
    });
    const stay = {
      bookingId: data.bookingId,
      guestName: data.guestName,
      propertyTitle: data.propertyTitle,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      refundAmount: data.quote.refundAmount,
      currency: data.quote.currency,
    };
    await this.deliveries.request(inbox.tx, event, 'booking-cancelled-guest', guest, stay);
    if (data.cancelledBy !== 'guest') {
      return;
    }
    const host = await this.directory.find(inbox.tx, data.hostId);
    if (!host) {
      // Only an account older than the directory: retried, then dead-lettered for a redrive.
      throw new Error(`host ${data.hostId} of booking ${data.bookingId} is not in the recipient directory`);
    }
    await this.deliveries.request(inbox.tx, event, 'booking-cancelled-host', host, {
      ...stay,
      hostName: host.name,
    });
  }

  @OnEvent('refund.succeeded')
  async onRefundSucceeded(
    @Payload() event: EventEnvelope<'refund.succeeded'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    const guest = await this.directory.find(inbox.tx, data.guestId);
    if (!guest) {
      throw new Error(`guest ${data.guestId} of refund ${data.refundId} is not in the recipient directory`);
    }
    await this.deliveries.request(inbox.tx, event, 'refund-succeeded', guest, {
      bookingId: data.bookingId,
      guestName: guest.name,
      propertyTitle: data.propertyTitle,
      refundAmount: data.amount,
      currency: data.currency,
    });
  }
}
