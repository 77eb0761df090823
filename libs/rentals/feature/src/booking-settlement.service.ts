import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, type EventEnvelope, type InternalSettlement } from '@rentguy/contracts';
import { TransactionRunner, type Tx } from '@rentguy/platform/database';
import { OutboxWriter } from '@rentguy/platform/messaging';
import {
  BookingRepository,
  PaymentsSettlementRepository,
  PropertyRepository,
  type BookingEntity,
} from '@rentguy/rentals/data-access';
import { settlePayment } from '@rentguy/rentals/domain';
import { RentalsMetrics } from './rentals.metrics';

export type SettlementOutcome =
  | 'confirmed'
  | 'reheld-and-confirmed'
  | 'already-confirmed'
  | 'dates-taken'
  | 'not-confirmable'
  | 'unknown-booking';

/** A payment that succeeded, as `payment.succeeded` tells it or payments answers when asked. */
export type SucceededPayment = Pick<InternalSettlement, 'bookingId' | 'paymentId' | 'amount' | 'currency'>;

/** Which sweep asked payments about held bookings (the `check` label of `hold_payment_checks_total`). */
export type HoldCheck = 'expiry' | 'cross-check';

/**
 * Turns a successful payment into a confirmed booking (flow step 6), whether `payment.succeeded`
 * arrived or a sweep learnt it by asking payments (docs/architecture.md, "Paid holds").
 */
@Injectable()
export class BookingSettlementService {
  private readonly logger = new Logger(BookingSettlementService.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bookings: BookingRepository,
    private readonly properties: PropertyRepository,
    private readonly payments: PaymentsSettlementRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
  ) {}

  /**
   * Runs inside the consumer's inbox transaction `tx`: the status change and `booking.confirmed`
   * commit together with the record that this payment event was applied.
   */
  onPaymentSucceeded(event: EventEnvelope<'payment.succeeded'>, tx: Tx): Promise<SettlementOutcome> {
    return this.settle(event.data, tx);
  }

  /**
   * Asks payments which of these held bookings are paid, and confirms those in a transaction each
   * (the same settlement as the event's, so the event arriving later changes nothing). Returns the
   * paid ones, or null when payments could not be asked: then nothing may be decided about them.
   */
  async confirmPaidHolds(bookingIds: readonly string[], check: HoldCheck): Promise<Set<string> | null> {
    let settled: InternalSettlement[];
    try {
      settled = await this.payments.findSettled(bookingIds);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === ErrorCode.UpstreamUnavailable)) {
        throw error;
      }
      this.metrics.holdPaymentChecks.inc({ check, outcome: 'unavailable' }, bookingIds.length);
      this.logger.warn(`${check}: payments could not say which of ${bookingIds.length} hold(s) are paid`);
      return null;
    }
    const paid = new Set<string>();
    for (const payment of settled) {
      const outcome = await this.transactions.run((tx) => this.settle(payment, tx));
      paid.add(payment.bookingId);
      if (outcome === 'confirmed' || outcome === 'reheld-and-confirmed') {
        this.metrics.holdPaymentChecks.inc({ check, outcome: 'confirmed' });
        this.logger.warn(
          `${check}: booking ${payment.bookingId} was paid (${payment.paymentId}) but still held; confirmed`,
        );
      } else {
        this.metrics.holdPaymentChecks.inc({ check, outcome: 'already-settled' });
      }
    }
    this.metrics.holdPaymentChecks.inc({ check, outcome: 'unpaid' }, bookingIds.length - paid.size);
    return paid;
  }

  private async settle(payment: SucceededPayment, tx: Tx): Promise<SettlementOutcome> {
    const { bookingId, paymentId, amount, currency } = payment;
    // The row lock orders this against the expiry sweep and a duplicate payment for the same booking.
    const booking = await this.bookings.findByIdForUpdate(bookingId, tx);
    if (!booking) {
      this.logger.warn(`payment ${paymentId} succeeded for unknown booking ${bookingId}`);
      return 'unknown-booking';
    }
    if (amount !== booking.totalAmount || currency !== booking.currency) {
      this.logger.warn(
        `payment ${paymentId} for booking ${bookingId} is ${amount} ${currency}, the booking costs ${booking.totalAmount} ${booking.currency}`,
      );
    }
    const confirmedAt = new Date();
    const settlement = settlePayment(booking.status);
    switch (settlement.kind) {
      case 'confirm':
        await this.bookings.markConfirmed(booking.id, confirmedAt, tx);
        await this.publishConfirmed(booking, tx);
        return 'confirmed';
      case 'rehold-and-confirm':
        if (await this.bookings.reholdAndConfirm(booking.id, confirmedAt, tx)) {
          await this.publishConfirmed(booking, tx);
          return 'reheld-and-confirmed';
        }
        // Someone else holds the dates. The guest is owed a refund (docs/architecture.md#bookings), which a
        // refund flow in payments will issue; until then the booking stays expired.
        this.logger.warn(
          `payment ${paymentId} arrived after hold ${bookingId} expired and its dates were taken`,
        );
        return 'dates-taken';
      case 'already-confirmed':
        return 'already-confirmed';
      case 'unconfirmable':
        this.logger.warn(
          `payment ${paymentId} succeeded for booking ${bookingId}, which is ${settlement.status}`,
        );
        return 'not-confirmable';
    }
  }

  private async publishConfirmed(booking: BookingEntity, tx: Tx): Promise<void> {
    const property = await this.properties.findById(booking.propertyId, tx);
    if (!property) {
      // Bookings reference their property (a foreign key): this is a broken database, not a race.
      throw new Error(`booking ${booking.id} has no property ${booking.propertyId}`);
    }
    await this.outbox.add(tx, 'booking.confirmed', booking.id, {
      bookingId: booking.id,
      propertyId: booking.propertyId,
      propertyTitle: property.title,
      hostId: property.hostId,
      guestId: booking.guestId,
      guestEmail: booking.guestEmail,
      guestName: booking.guestName,
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
      totalAmount: booking.totalAmount,
      currency: booking.currency,
      locale: 'en',
    });
    this.metrics.bookingsConfirmed.inc();
  }
}
