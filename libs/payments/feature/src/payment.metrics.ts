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
