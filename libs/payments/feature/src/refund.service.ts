import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCode, type RefundReason } from '@rentguy/contracts';
import { AfterCommitHooks, TransactionRunner, type Tx } from '@rentguy/platform/database';
import { describeError } from '@rentguy/platform/errors';
import type { Principal, RequestOrigin } from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';
import {
  PaymentRepository,
  RefundExceedsCapturedError,
  RefundRepository,
  type Payment,
  type Refund,
} from '@rentguy/payments/data-access';
import { PAID_STATUSES, type PaymentProviderName, type ProviderRefund } from '@rentguy/payments/domain';
import { PaymentMetrics } from './payment.metrics';
import { PaymentProviderRegistry } from './payment-provider.registry';
import { RefundTransitionService } from './refund-transition.service';

/** One debt to the guest: how much of which payment, why, and the key that makes it owed once. */
export interface RefundRequest {
  payment: Payment;
  amount: number;
  reason: RefundReason;
  /** `cancel:<booking id>`, `rejected:<payment id>`…; null for goodwill refunds (each one is new). */
  owedKey: string | null;
  requestedBy?: string;
  note?: string;
}

export interface RefundView {
  id: string;
  paymentId: string;
  bookingId: string;
  provider: PaymentProviderName;
  providerRefundId: string | null;
  amount: number;
  currency: string;
  reason: RefundReason;
  status: Refund['status'];
  createdAt: string;
}

/**
 * Refunds (docs/architecture.md#refunds): recorded as `requested` in the transaction that decided
 * them (the payment's committed total grows under the database's constraint), then asked of the
 * provider that took the money after commit, with our refund id as idempotency key. A call that
 * fails leaves the refund requested; reconciliation asks again with the same key.
 */
@Injectable()
export class RefundService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RefundService.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly refunds: RefundRepository,
    private readonly payments: PaymentRepository,
    private readonly transactions: TransactionRunner,
    private readonly afterCommit: AfterCommitHooks,
    private readonly providers: PaymentProviderRegistry,
    private readonly transitions: RefundTransitionService,
    private readonly metrics: PaymentMetrics,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * Records the refund in `tx` and submits it once `tx` commits. Null when the debt was already
   * recorded (a redelivered event) or nothing is owed.
   * @throws RefundExceedsCapturedError when the payment's refunds would exceed what it captured.
   */
  async request(tx: Tx, request: RefundRequest): Promise<Refund | null> {
    if (request.amount <= 0) {
      return null;
    }
    const refund = await this.refunds.insertRequested(tx, {
      id: randomUUID(),
      paymentId: request.payment.id,
      bookingId: request.payment.bookingId,
      provider: request.payment.provider,
      amount: request.amount,
      currency: request.payment.currency,
      reason: request.reason,
      owedKey: request.owedKey,
      requestedBy: request.requestedBy ?? null,
      note: request.note ?? null,
    });
    if (refund) {
      this.afterCommit.register(tx, () => {
        this.metrics.refundRequested(refund.provider, refund.reason);
        // Not awaited: the provider call must not hold up the Kafka handler or request that committed it.
        this.track(this.submit(refund.id));
        return Promise.resolve();
      });
    }
    return refund;
  }

  /**
   * Everything still refundable of the booking's paid payments, up to `amount`, as refunds of one
   * debt (`owedKey`, suffixed per payment). Runs under the payments' row locks.
   */
  async requestForBooking(
    tx: Tx,
    bookingId: string,
    amount: number,
    reason: RefundReason,
    owedKey: string,
  ): Promise<Refund[]> {
    let left = amount;
    const requested: Refund[] = [];
    for (const paid of await this.payments.findPaidForBooking(tx, bookingId)) {
      const payment = await this.payments.lockById(tx, paid.id);
      if (!payment || left <= 0) {
        break;
      }
      const share = Math.min(left, payment.amount - payment.refundCommitted);
      const refund = await this.request(tx, {
        payment,
        amount: share,
        reason,
        owedKey: `${owedKey}:${payment.id}`,
      });
      if (refund) {
        requested.push(refund);
      }
      left -= share;
    }
    return requested;
  }

  /** An admin's goodwill refund of part or all of what remains of a payment (audit: `requested_by`, `note`, the log). */
  async goodwill(
    admin: Pick<Principal, 'id' | 'role'>,
    paymentId: string,
    amount: number,
    note: string,
    origin: RequestOrigin,
  ): Promise<RefundView> {
    const refund = await this.transactions.run(async (tx) => {
      const payment = await this.payments.lockById(tx, paymentId);
      if (!payment) {
        throw new DomainError(ErrorCode.NotFound, 'payment not found');
      }
      if (!PAID_STATUSES.includes(payment.status)) {
        throw new DomainError(ErrorCode.Conflict, `a ${payment.status} payment has nothing to refund`, {
          status: payment.status,
        });
      }
      try {
        const requested = await this.request(tx, {
          payment,
          amount,
          reason: 'goodwill',
          owedKey: null,
          requestedBy: admin.id,
          note,
        });
        if (requested) {
          // Identity's audit log gets the admin's refund (issue 8 §7); the free-text note stays here.
          await this.outbox.add(tx, 'audit.recorded', requested.id, {
            source: 'payments',
            actor: { id: admin.id, role: admin.role },
            action: 'refund.issued_by_admin',
            target: { type: 'refund', id: requested.id },
            ip: origin.ip,
            requestId: origin.requestId,
            occurredAt: new Date().toISOString(),
            details: {
              paymentId: payment.id,
              bookingId: payment.bookingId,
              amount: requested.amount,
              currency: requested.currency,
              reason: 'goodwill',
            },
          });
        }
        return requested;
      } catch (error) {
        if (error instanceof RefundExceedsCapturedError) {
          throw new DomainError(ErrorCode.Conflict, 'refunds would exceed what the payment captured', {
            paymentId,
            refundable: payment.amount - payment.refundCommitted,
          });
        }
        throw error;
      }
    });
    if (!refund) {
      throw new Error('a goodwill refund is never a duplicate');
    }
    this.logger.log(
      `audit: admin ${admin.id} requested goodwill refund ${refund.id} of ${amount} ${refund.currency} on payment ${paymentId}: ${JSON.stringify(note)}`,
    );
    return viewOf(refund);
  }

  /**
   * Asks the provider for a requested refund (same idempotency key however often) and applies its
   * answer. Failures are logged and left to reconciliation.
   */
  async submit(refundId: string): Promise<'submitted' | 'not-requested' | 'failed'> {
    const refund = await this.refunds.findById(refundId);
    if (refund?.status !== 'requested') {
      return 'not-requested';
    }
    const payment = await this.payments.findById(refund.paymentId);
    if (!payment?.providerPaymentId) {
      this.logger.error(`refund ${refund.id}: its payment has no provider id`);
      return 'failed';
    }
    let remote: ProviderRefund;
    try {
      remote = await this.providers.get(refund.provider).refund({
        refundId: refund.id,
        providerPaymentId: payment.providerPaymentId,
        amount: refund.amount,
      });
    } catch (error) {
      this.logger.warn(`refund ${refund.id} could not be submitted yet: ${describeError(error)}`);
      return 'failed';
    }
    await this.refunds.attachProviderRefund(refund.id, remote.providerRefundId);
    await this.applyReport(refund.provider, { ...remote, refundId: refund.id });
    return 'submitted';
  }

  /** Applies a provider's report of a refund in a transaction of its own. */
  async applyReport(provider: Refund['provider'], report: ProviderRefund): Promise<void> {
    const outcome = await this.transactions.run((tx) => this.transitions.apply(tx, provider, report));
    this.transitions.recordCommitted(outcome);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.whenIdle();
  }

  /** Resolves once no submission started so far is still running. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked: Promise<void> = work
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error(error))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

export function viewOf(refund: Refund): RefundView {
  return {
    id: refund.id,
    paymentId: refund.paymentId,
    bookingId: refund.bookingId,
    provider: refund.provider,
    providerRefundId: refund.providerRefundId,
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    status: refund.status,
    createdAt: refund.createdAt.toISOString(),
  };
}
