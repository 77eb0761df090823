import { Injectable } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import type { PaymentProviderName, PaymentStatus } from '@rentguy/payments/domain';

export type WebhookOutcome =
  | 'invalid_signature'
  | 'invalid_payload'
  | 'received'
  | 'duplicate'
  | 'applied'
  | 'stale'
  | 'mismatch'
  | 'ignored'
  | 'unmatched'
  | 'error';

/** What reconciliation repaired: a payment's or a refund's status, or a provider call that had not happened. */
export type ReconciliationRepairKind =
  'payment_status' | 'payment_created' | 'payment_withdrawn' | 'refund_status' | 'refund_submitted';

/** What a read of a booking from rentals (its event not here yet) came to. */
export type BookingReadThroughOutcome = 'stored' | 'unknown' | 'failed';

/** Business and webhook counters of the payments service. */
@Injectable()
export class PaymentMetrics {
  private readonly webhookEvents: Counter<'provider' | 'type' | 'outcome'>;
  private readonly payments: Counter<'provider' | 'status'>;
  private readonly revenue: Counter<'currency'>;
  private readonly amountMismatches: Counter<'provider'>;
  private readonly bookingReadThroughs: Counter<'outcome'>;
  private readonly refunds: Counter<'provider' | 'status' | 'reason'>;
  private readonly refundedAmount: Counter<'currency'>;
  private readonly reconciliationRepairs: Counter<'provider' | 'kind'>;

  constructor(metrics: MetricsRegistry) {
    this.webhookEvents = metrics.counter({
      name: 'webhook_events_total',
      help: 'Provider webhook events by provider, event type and outcome',
      labelNames: ['provider', 'type', 'outcome'],
    });
    this.payments = metrics.counter({
      name: 'payments_total',
      help: 'Payments entering a status, by provider and status',
      labelNames: ['provider', 'status'],
    });
    this.revenue = metrics.counter({
      name: 'payments_revenue_minor_total',
      help: 'Amount of succeeded payments in minor units, by currency',
      labelNames: ['currency'],
    });
    this.amountMismatches = metrics.counter({
      name: 'payment_amount_mismatches_total',
      help: 'Provider successes whose amount or currency differs from our payment (left for a human)',
      labelNames: ['provider'],
    });
    this.bookingReadThroughs = metrics.counter({
      name: 'payment_booking_read_throughs_total',
      help: 'Payment requests that read their booking from rentals because booking.held had not arrived, by outcome',
      labelNames: ['outcome'],
    });
    this.refunds = metrics.counter({
      name: 'refunds_total',
      help: 'Refunds entering a status (requested, succeeded, failed), by provider; requested ones also by reason',
      labelNames: ['provider', 'status', 'reason'],
    });
    this.refundedAmount = metrics.counter({
      name: 'refunds_amount_minor_total',
      help: 'Amount of succeeded refunds in minor units, by currency',
      labelNames: ['currency'],
    });
    this.reconciliationRepairs = metrics.counter({
      name: 'payments_reconciliation_repairs_total',
      help: 'Drift reconciliation repaired between us and a provider, by provider and kind (payment_status, payment_created, payment_withdrawn, refund_status, refund_submitted)',
      labelNames: ['provider', 'kind'],
    });
  }

  refundRequested(provider: PaymentProviderName, reason: string): void {
    this.refunds.inc({ provider, status: 'requested', reason });
  }

  refundFinished(
    provider: PaymentProviderName,
    status: 'succeeded' | 'failed',
    amount: number,
    currency: string,
  ): void {
    this.refunds.inc({ provider, status, reason: '' });
    if (status === 'succeeded') {
      this.refundedAmount.inc({ currency }, amount);
    }
  }

  reconciliationRepair(provider: PaymentProviderName, kind: ReconciliationRepairKind): void {
    this.reconciliationRepairs.inc({ provider, kind });
  }

  bookingReadThrough(outcome: BookingReadThroughOutcome): void {
    this.bookingReadThroughs.inc({ outcome });
  }

  amountMismatch(provider: PaymentProviderName): void {
    this.amountMismatches.inc({ provider });
  }

  webhookEvent(provider: PaymentProviderName, type: string, outcome: WebhookOutcome): void {
    this.webhookEvents.inc({ provider, type, outcome });
  }

  paymentEntered(
    provider: PaymentProviderName,
    status: PaymentStatus,
    amount: number,
    currency: string,
  ): void {
    this.payments.inc({ provider, status });
    if (status === 'succeeded') {
      this.revenue.inc({ currency }, amount);
    }
  }
}
