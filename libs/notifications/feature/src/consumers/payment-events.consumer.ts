import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { BookingEmails } from '../booking-emails.service';

/**
 * payments' payment topic → "your payment did not go through". It can overtake the booking's own
 * topic: such an event is parked until the booking's hold arrives (`BookingEmails`).
 */
@Controller()
export class PaymentEventsConsumer {
  constructor(private readonly emails: BookingEmails) {}

  @OnEvent('payment.failed')
  onPaymentFailed(
    @Payload() event: EventEnvelope<'payment.failed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    return this.emails.paymentFailed(inbox.tx, event);
  }
}
