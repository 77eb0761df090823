import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@rentguy/contracts';
import { ConsumerHost, type Subscription } from '@rentguy/platform/messaging';
import { BookingSettlementService } from './booking-settlement.service';

/** Consumer group of the rentals service (deployments may prefix it with KAFKA_GROUP_PREFIX). */
export const RENTALS_CONSUMER_GROUP = 'rentals';

@Injectable()
export class PaymentSucceededConsumer implements OnModuleInit {
  private subscription?: Subscription;

  constructor(
    private readonly consumers: ConsumerHost,
    private readonly settlement: BookingSettlementService,
  ) {}

  /** Resolves once the consumer has joined its group. */
  async ready(): Promise<void> {
    await this.subscription?.ready();
  }

  onModuleInit(): void {
    this.subscription = this.consumers.subscribe({
      group: RENTALS_CONSUMER_GROUP,
      topics: [Topics.payment],
      handlers: {
        'payment.succeeded': async (event, manager) => {
          await this.settlement.onPaymentSucceeded(event, manager);
        },
      },
    });
  }
}
