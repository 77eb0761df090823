import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { BookingSettlementService } from './booking-settlement.service';

/** Rentals' consumer group (`consumerGroups.rentals`): a paid hold becomes a confirmed booking. */
@Controller()
export class PaymentSucceededConsumer {
  constructor(private readonly settlement: BookingSettlementService) {}

  @OnEvent('payment.succeeded')
  async onPaymentSucceeded(
    @Payload() event: EventEnvelope<'payment.succeeded'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.settlement.onPaymentSucceeded(event, inbox.tx);
  }
}
