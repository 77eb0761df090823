import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { PaymentRepository, type Payment } from './data-access/payment.repository';
import type { PaymentUpdate } from './domain/payment-provider';
import { isForwardTransition, type PaymentProviderName } from './domain/payment-status';
import { PaymentMetrics } from './payment.metrics';

export type TransitionOutcome =
  | { outcome: 'applied'; payment: Payment; previous: Payment }
  | { outcome: 'stale'; payment: Payment }
  | { outcome: 'unmatched' };

/**
 * The one way a payment's status changes on provider news (webhook or reconciliation): lock the
 * row, move only forward, and write the matching event into the outbox in the same transaction.
 */
@Injectable()
export class PaymentTransitionService {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: PaymentMetrics,
  ) {}

  async apply(tx: Tx, provider: PaymentProviderName, update: PaymentUpdate): Promise<TransitionOutcome> {
    const payment = await this.payments.lockByProviderReference(
      tx,
      provider,
      update.providerPaymentId,
      update.paymentId,
    );
    if (!payment) {
      return { outcome: 'unmatched' };
    }
    if (!isForwardTransition(payment.status, update.status)) {
      return { outcome: 'stale', payment };
    }
    const updated = await this.payments.updateStatus(tx, payment.id, {
      status: update.status,
      failureReason: update.failureReason,
      providerPaymentId: update.providerPaymentId,
    });
    switch (updated.status) {
      case 'succeeded':
        await this.outbox.add(tx, 'payment.succeeded', updated.id, {
          paymentId: updated.id,
          bookingId: updated.bookingId,
          provider: updated.provider,
          providerPaymentId: updated.providerPaymentId ?? update.providerPaymentId,
          amount: updated.amount,
          currency: updated.currency,
        });
        break;
      case 'failed':
      case 'canceled':
      case 'expired':
        await this.outbox.add(tx, 'payment.failed', updated.id, {
          paymentId: updated.id,
          bookingId: updated.bookingId,
          provider: updated.provider,
          reason: updated.failureReason ?? updated.status,
        });
        break;
      case 'created':
      case 'pending':
      case 'partially_refunded':
      case 'refunded':
        break;
    }
    return { outcome: 'applied', payment: updated, previous: payment };
  }

  /** Counts a transition once its transaction has committed. */
  recordCommitted(result: TransitionOutcome): void {
    if (result.outcome === 'applied') {
      this.metrics.paymentEntered(
        result.payment.provider,
        result.payment.status,
        result.payment.amount,
        result.payment.currency,
      );
    }
  }
}
