import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { AfterCommitHooks } from '@rentguy/platform/database';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { BookingProjectionRepository, PaymentRepository } from '@rentguy/payments/data-access';
import { cancellationRefundReason } from '@rentguy/payments/domain';
import { PaymentService } from './payment.service';
import { RefundService } from './refund.service';

/**
 * Payments' consumer group (`consumerGroups.payments`): keeps the booking projection that decides
 * what may be paid, and refunds what rentals says is owed (a cancellation's quote, a payment that
 * arrived for a booking that could not take it). Each handler writes in the inbox transaction, so
 * a redelivered event changes nothing; each refund also has its debt's unique key.
 */
@Controller()
export class BookingEventsConsumer {
  constructor(
    private readonly projections: BookingProjectionRepository,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundService,
    private readonly paymentService: PaymentService,
    private readonly afterCommit: AfterCommitHooks,
  ) {}

  @OnEvent('booking.held')
  async onBookingHeld(
    @Payload() { data }: EventEnvelope<'booking.held'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.upsertHeld(inbox.tx, {
      bookingId: data.bookingId,
      guestId: data.guestId,
      amount: data.totalAmount,
      currency: data.currency,
      expiresAt: new Date(data.expiresAt),
    });
  }

  @OnEvent('booking.expired')
  async onBookingExpired(
    @Payload() { data }: EventEnvelope<'booking.expired'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.markExpired(inbox.tx, data.bookingId);
  }

  @OnEvent('booking.confirmed')
  async onBookingConfirmed(
    @Payload() { data, occurredAt }: EventEnvelope<'booking.confirmed'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.markConfirmed(inbox.tx, {
      bookingId: data.bookingId,
      guestId: data.guestId,
      amount: data.totalAmount,
      currency: data.currency,
      confirmedAt: new Date(occurredAt),
      propertyTitle: data.propertyTitle,
    });
  }

  /**
   * The quote's refund, through the provider(s) that took the money; a payment still in flight is
   * withdrawn at its provider once this commits (and by reconciliation if that call fails).
   */
  @OnEvent('booking.cancelled')
  async onBookingCancelled(
    @Payload() { data, occurredAt }: EventEnvelope<'booking.cancelled'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.projections.markCancelled(inbox.tx, {
      bookingId: data.bookingId,
      guestId: data.guestId,
      amount: data.quote.breakdown.paid,
      currency: data.quote.currency,
      cancelledAt: new Date(occurredAt),
      propertyTitle: data.propertyTitle,
    });
    await this.refunds.requestForBooking(
      inbox.tx,
      data.bookingId,
      data.quote.refundAmount,
      cancellationRefundReason(data.cancelledBy),
      `cancel:${data.bookingId}`,
    );
    this.afterCommit.register(inbox.tx, () => {
      this.paymentService.withdrawInFlight(data.bookingId, 'booking cancelled');
      return Promise.resolve();
    });
  }

  /** Money rentals could not turn into a stay goes back in full. */
  @OnEvent('booking.payment-rejected')
  async onPaymentRejected(
    @Payload() { data }: EventEnvelope<'booking.payment-rejected'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const payment = await this.payments.lockById(inbox.tx, data.paymentId);
    if (!payment) {
      throw new Error(`booking.payment-rejected names unknown payment ${data.paymentId}`);
    }
    await this.refunds.request(inbox.tx, {
      payment,
      amount: payment.amount - payment.refundCommitted,
      reason: data.reason,
      owedKey: `rejected:${payment.id}`,
    });
  }
}
