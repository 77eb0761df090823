import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import type { Counter } from 'prom-client';

/** Business counters of the rentals service. */
@Injectable()
export class RentalsMetrics {
  readonly bookingsCreated: Counter;
  readonly bookingsConfirmed: Counter;
  readonly bookingConflicts: Counter;
  readonly bookingsExpired: Counter;
  readonly holdPaymentChecks: Counter<'check' | 'outcome'>;
  readonly calendarFeedSyncs: Counter<'status'>;
  readonly calendarConflicts: Counter;

  constructor(metrics: MetricsRegistry) {
    this.bookingsCreated = metrics.counter({ name: 'bookings_created_total', help: 'Bookings held' });
    this.bookingsConfirmed = metrics.counter({
      name: 'bookings_confirmed_total',
      help: 'Bookings confirmed after payment',
    });
    this.bookingConflicts = metrics.counter({
      name: 'booking_conflicts_total',
      help: 'Booking attempts refused because the dates overlap another booking',
    });
    this.bookingsExpired = metrics.counter({ name: 'bookings_expired_total', help: 'Holds expired unpaid' });
    this.holdPaymentChecks = metrics.counter({
      name: 'hold_payment_checks_total',
      help: 'Held bookings rentals asked payments about, by check (expiry, cross-check) and outcome: confirmed (paid but still held: repaired), already-settled, unpaid, unavailable (payments could not be asked; nothing decided)',
      labelNames: ['check', 'outcome'],
    });
    this.calendarFeedSyncs = metrics.counter({
      name: 'calendar_feed_syncs_total',
      help: 'Sync runs of imported iCal feeds, by status: ok, failed (could not be fetched or parsed; its blocks stay)',
      labelNames: ['status'],
    });
    this.calendarConflicts = metrics.counter({
      name: 'calendar_conflicts_total',
      help: 'Imported feed events newly flagged because they overlap a held or confirmed booking',
    });
  }
}
