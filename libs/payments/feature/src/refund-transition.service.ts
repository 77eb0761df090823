import { Injectable, Logger } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import {
  BookingProjectionRepository,
  PaymentRepository,
  RefundRepository,
  type Refund,
} from '@rentguy/payments/data-access';
import { refundOutcomeOf, type PaymentProviderName, type ProviderRefund } from '@rentguy/payments/domain';
import { PaymentMetrics } from './payment.metrics';

export type RefundTransitionOutcome =
  | { outcome: 'applied'; refund: Refund; status: 'succeeded' | 'failed' }
  | { outcome: 'pending'; refund: Refund }
  | { outcome: 'stale'; refund: Refund }
  | { outcome: 'unmatched' };

/**
 * The one way a refund's status changes on provider news (the answer to creating it, a webhook,
 * a fetched Mollie payment, reconciliation): lock the refund, move only from `requested`, update
 * the payment's running totals under its row lock, and write `refund.succeeded` or `refund.failed`
 * into the outbox, all in the caller's transaction.
 */
@Injectable()
export class RefundTransitionService {
  private readonly logger = new Logger(RefundTransitionService.name);

  constructor(
    private readonly refunds: RefundRepository,
    private readonly payments: PaymentRepository,
    private readonly projections: BookingProjectionRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: PaymentMetrics,
  ) {}

  async apply(
    tx: Tx,
    provider: PaymentProviderName,
    report: ProviderRefund,
  ): Promise<RefundTransitionOutcome> {
    const refund = await this.refunds.lockByProviderReference(
      tx,
      provider,
      report.providerRefundId,
      report.refundId ?? null,
    );
    if (!refund) {
      return { outcome: 'unmatched' };
    }
    const status = refundOutcomeOf(report.status);
    if (refund.status !== 'requested') {
      return { outcome: 'stale', refund };
    }
    if (status === null) {
      return { outcome: 'pending', refund };
    }
    const failureReason = status === 'failed' ? (report.failureReason ?? report.status) : null;
    await this.refunds.finish(tx, refund.id, {
      status,
      providerRefundId: report.providerRefundId,
      failureReason,
    });
    const payment = await this.payments.lockById(tx, refund.paymentId);
    if (!payment) {
      throw new Error(`refund ${refund.id} names no payment`);
    }
    const booking = await this.projections.find(refund.bookingId);
    const facts = {
      refundId: refund.id,
      paymentId: payment.id,
      bookingId: refund.bookingId,
      guestId: payment.guestId,
      provider: refund.provider,
      providerRefundId: refund.providerRefundId ?? report.providerRefundId,
      amount: refund.amount,
      currency: refund.currency,
      reason: refund.reason,
      propertyTitle: booking?.propertyTitle ?? '',
    };
    if (status === 'succeeded') {
      await this.payments.settleRefund(tx, payment.id, refund.amount);
      await this.outbox.add(tx, 'refund.succeeded', refund.id, facts);
    } else {
      // The money stayed with the guest's provider account: it may be owed again, by a human's decision.
      await this.payments.releaseRefund(tx, payment.id, refund.amount);
      await this.outbox.add(tx, 'refund.failed', refund.id, {
        ...facts,
        failureReason: failureReason ?? 'failed',
      });
    }
    return { outcome: 'applied', refund: { ...refund, status }, status };
  }

  /** Counts a refund transition once its transaction has committed. */
  recordCommitted(result: RefundTransitionOutcome): void {
    if (result.outcome === 'applied') {
      this.metrics.refundFinished(
        result.refund.provider,
        result.status,
        result.refund.amount,
        result.refund.currency,
      );
      if (result.status === 'failed') {
        this.logger.error(
          `refund ${result.refund.id} of payment ${result.refund.paymentId} failed at ${result.refund.provider}`,
        );
      }
    }
  }
}
