import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@rentguy/contracts';
import { AfterCommitHooks } from '@rentguy/platform/database';
import type { EntityManager } from 'typeorm';
import { DeliveryService } from '../deliveries/delivery.service';

/**
 * `booking.confirmed` → the guest's confirmation email: a ledger row in the inbox transaction, the
 * `email.send` job once it has committed (Kafka handlers never send mail themselves: a slow relay
 * would stall heartbeats and trigger rebalances).
 */
@Injectable()
export class BookingConfirmedConsumer {
  constructor(
    private readonly deliveries: DeliveryService,
    private readonly afterCommit: AfterCommitHooks,
  ) {}

  async handle(event: EventEnvelope<'booking.confirmed'>, manager: EntityManager): Promise<void> {
    const { deliveryId } = await this.deliveries.recordBookingConfirmed(manager, event);
    this.afterCommit.register(manager, () => this.deliveries.enqueue(deliveryId));
  }
}
