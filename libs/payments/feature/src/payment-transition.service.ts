import { Injectable, Logger } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import { PaymentRepository, type Payment } from '@rentguy/payments/data-access';
import { type PaymentUpdate, isForwardTransition, type PaymentProviderName } from '@rentguy/payments/domain';
import { PaymentMetrics } from './payment.metrics';
import { RefundService } from './refund.service';

export type TransitionOutcome =
  | { outcome: 'applied'; payment: Payment; previous: Payment }
  | { outcome: 'stale'; payment: Payment }
  | { outcome: 'mismatch'; payment: Payment; update: PaymentUpdate }
  | { outcome: 'unmatched' };

/**
 * The one way a payment's status changes on provider news (webhook or reconciliation): lock the
 * row, move only forward, and write the matching event into the outbox in the same transaction.
 */
@Injectable()
export class PaymentTransitionService {
  private readonly logger = new Logger(PaymentTransitionService.name);

  constructor(
    private readonly payments: PaymentRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: PaymentMetrics,
    private readonly refunds: RefundService,
  ) {}

  /**
   * Locks every payment that `updates` name in one statement, for `apply` to read instead of one
   * lookup each (a batch of webhook news, in one transaction).
   */
  async lockForBatch(
    tx: Tx,
    updates: readonly { provider: PaymentProviderName; update: PaymentUpdate }[],
  ): Promise<BatchLockedPayments> {
    const references = updates.map(({ provider, update }) => ({
      provider,
      providerPaymentId: update.providerPaymentId,
      paymentId: update.paymentId,
    }));
    return new BatchLockedPayments(await this.payments.lockManyByProviderReference(tx, references));
  }

  /** `locked`: what `lockForBatch` locked in this transaction for a batch that includes `update`. */
  async apply(
    tx: Tx,
    provider: PaymentProviderName,
    update: PaymentUpdate,
    locked?: BatchLockedPayments,
  ): Promise<TransitionOutcome> {
    const known = locked?.take(provider, update);
    const payment =
      known !== undefined
        ? known
        : await this.payments.lockByProviderReference(
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
    // Money for another sum than the booking's must not confirm it: left as it is for a human.
    if (update.status === 'succeeded' && !chargesWhatWeAsked(payment, update)) {
      return { outcome: 'mismatch', payment, update };
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
        await this.refundIfDuplicate(tx, updated);
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

  /**
   * A second payment that succeeded for the same booking (a retried checkout both halves of which
   * went through) is owed back in full: one booking is paid once.
   */
  private async refundIfDuplicate(tx: Tx, payment: Payment): Promise<void> {
    const paid = await this.payments.findPaidForBooking(tx, payment.bookingId);
    if (paid.some((other) => other.id !== payment.id)) {
      this.logger.warn(
        `payment ${payment.id} is a second payment of booking ${payment.bookingId}: refunding it`,
      );
      await this.refunds.request(tx, {
        payment,
        amount: payment.amount,
        reason: 'duplicate_payment',
        owedKey: `duplicate:${payment.id}`,
      });
    }
  }

  /** Counts a transition once its transaction has committed. */
  recordCommitted(result: TransitionOutcome): void {
    if (result.outcome === 'mismatch') {
      const { payment, update } = result;
      this.metrics.amountMismatch(payment.provider);
      this.logger.error(
        `${payment.provider} reports payment ${payment.id} (${update.providerPaymentId}) succeeded for ` +
          `${update.amount ?? '?'} ${update.currency ?? '?'}, expected ${payment.amount} ${payment.currency}: left ${payment.status} for a human`,
      );
    }
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

/**
 * Payments locked at the start of a batch's transaction. Each is served once: after that this
 * transaction may have changed its row (a transition, a refund), so a second look goes to the
 * database. A payment the batch lock did not find does not exist (webhooks never create one).
 */
export class BatchLockedPayments {
  private readonly byProviderId = new Map<string, Payment>();
  private readonly byOurId = new Map<string, Payment>();
  private readonly taken = new Set<string>();

  constructor(rows: readonly Payment[]) {
    for (const row of rows) {
      if (row.providerPaymentId !== null) {
        this.byProviderId.set(`${row.provider} ${row.providerPaymentId}`, row);
      }
      this.byOurId.set(`${row.provider} ${row.id}`, row);
    }
  }

  /** The payment `update` names, as `lockByProviderReference` matches it; `undefined`: ask the database. */
  take(provider: PaymentProviderName, update: PaymentUpdate): Payment | null | undefined {
    // The provider's id first, then ours (a payment whose provider id we have not stored yet).
    const payment =
      this.byProviderId.get(`${provider} ${update.providerPaymentId}`) ??
      (update.paymentId === null ? undefined : this.byOurId.get(`${provider} ${update.paymentId}`)) ??
      null;
    if (payment === null) {
      return null;
    }
    if (this.taken.has(payment.id)) {
      return undefined;
    }
    this.taken.add(payment.id);
    return payment;
  }
}

function chargesWhatWeAsked(payment: Payment, update: PaymentUpdate): boolean {
  return update.amount === payment.amount && update.currency === payment.currency;
}
