import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { BookingRepository } from '@rentguy/rentals/data-access';

/** Refund news from payments, shown on the guest's booking (`refunds`, `cancellation.refund.status`). */
@Controller()
export class RefundEventsConsumer {
  constructor(private readonly bookings: BookingRepository) {}

  @OnEvent('refund.succeeded')
  async onRefundSucceeded(
    @Payload() { data }: EventEnvelope<'refund.succeeded'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.bookings.recordRefund({ ...refundOf(data), status: 'succeeded' }, inbox.tx);
  }

  @OnEvent('refund.failed')
  async onRefundFailed(
    @Payload() { data }: EventEnvelope<'refund.failed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.bookings.recordRefund({ ...refundOf(data), status: 'failed' }, inbox.tx);
  }
}

function refundOf(data: EventEnvelope<'refund.succeeded'>['data']) {
  return {
    refundId: data.refundId,
    bookingId: data.bookingId,
    amount: data.amount,
    currency: data.currency,
    reason: data.reason,
  };
}
