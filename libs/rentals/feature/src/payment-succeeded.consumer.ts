import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Topics } from '@rentguy/contracts';
import { APP_CONFIG } from '@rentguy/platform/config';
import { ConsumerHost, type Subscription } from '@rentguy/platform/messaging';
import { BookingSettlementService } from './booking-settlement.service';
import type { RentalsFeatureConfig } from './rentals.config';

@Injectable()
export class PaymentSucceededConsumer implements OnModuleInit {
  private subscription?: Subscription;

  constructor(
    private readonly consumers: ConsumerHost,
    private readonly settlement: BookingSettlementService,
    @Inject(APP_CONFIG) private readonly config: RentalsFeatureConfig,
  ) {}

  /** Resolves once the consumer has joined its group. */
  async ready(): Promise<void> {
    await this.subscription?.ready();
  }

  onModuleInit(): void {
    this.subscription = this.consumers.subscribe({
      group: this.config.RENTALS_CONSUMER_GROUP,
      topics: [Topics.payment],
      handlers: {
        'payment.succeeded': async (event, manager) => {
          await this.settlement.onPaymentSucceeded(event, manager);
        },
      },
    });
  }
}
