import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { AfterCommitHooks } from '@rentguy/platform/database';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { DeliveryService } from '../delivery.service';

/**
 * `booking.confirmed` → the guest's confirmation email: a ledger row in the inbox transaction, the
 * `email.send` job once it has committed (Kafka handlers never send mail themselves: a slow relay
 * would stall heartbeats and trigger rebalances).
 */
@Controller()
export class BookingConfirmedConsumer {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly afterCommit: AfterCommitHooks,
  ) {}

  @OnEvent('booking.confirmed')
  async onBookingConfirmed(
    @Payload() event: EventEnvelope<'booking.confirmed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { deliveryId } = await this.deliveries.recordBookingConfirmed(inbox.tx, event);
    this.afterCommit.register(inbox.tx, () => this.deliveries.enqueue(deliveryId));
  }
}
