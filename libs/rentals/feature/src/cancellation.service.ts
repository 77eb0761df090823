import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal, RequestOrigin } from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';
import {
  BookingRepository,
  PropertyRepository,
  type BookingEntity,
  type PropertyEntity,
} from '@rentguy/rentals/data-access';
import {
  adminQuote,
  quoteCancellation,
  type CancellationActor,
  type CancellationQuote,
} from '@rentguy/rentals/domain';
import { AdminReadAudit } from './admin-read.audit';
import type { CancelBookingDto } from './cancel-booking.dto';
import { ListingCache } from './listing.cache';
import { RentalsMetrics } from './rentals.metrics';
import { BookingViewLoader } from './booking-view.loader';
import type { BookingView } from './rentals.views';

/** The answer to a cancel request; `replayed` when it repeats an earlier request with the same key. */
export interface CancelOutcome {
  booking: BookingView;
  replayed: boolean;
}

/**
 * Cancelling bookings (docs/architecture.md#cancellations-and-refunds): who may, what it refunds
 * (the policy snapshot of the booking for its guest, everything for its host or an admin), and
 * `booking.cancelled` carrying that quote, in the transaction that frees the dates. Payments
 * refunds the money on that event.
 */
@Injectable()
export class CancellationService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bookings: BookingRepository,
    private readonly properties: PropertyRepository,
    private readonly outbox: OutboxWriter,
    private readonly cache: ListingCache,
    private readonly metrics: RentalsMetrics,
    private readonly views: BookingViewLoader,
    private readonly adminReads: AdminReadAudit,
  ) {}

  /** What cancelling now (or at `at`) would refund the caller's side: the guest's policy refund, or the host's full one. */
  async quote(
    user: Principal,
    id: string,
    origin: RequestOrigin,
    at: Date = new Date(),
  ): Promise<CancellationQuote> {
    const booking = await this.bookings.findById(id);
    const property = booking ? await this.properties.findById(booking.propertyId) : null;
    const actor = booking && property ? actorOf(user, booking, property) : null;
    if (!booking || !actor) {
      throw new DomainError(ErrorCode.NotFound, 'booking not found');
    }
    await this.adminReads.record(
      user,
      booking.guestId,
      { type: 'booking', id: booking.id },
      { read: 'cancellation-quote' },
      origin,
    );
    if (booking.status === 'cancelled' && booking.cancellationQuote) {
      return booking.cancellationQuote;
    }
    assertCancellable(booking);
    return quoteOf(booking, at, actor);
  }

  /**
   * Cancels the booking under its row lock, so concurrent requests queue and the second finds it
   * cancelled: one cancellation, one `booking.cancelled`, one refund. The same `Idempotency-Key`
   * gets the first answer again; another request for a cancelled booking is 409.
   */
  async cancel(
    user: Principal,
    id: string,
    dto: CancelBookingDto,
    idempotencyKey: string | undefined,
    origin: RequestOrigin,
    now: Date = new Date(),
  ): Promise<CancelOutcome> {
    const outcome = await this.transactions.run(async (tx) => {
      const booking = await this.bookings.findByIdForUpdate(id, tx);
      const property = booking ? await this.properties.findById(booking.propertyId, tx) : null;
      const actor = booking && property ? actorOf(user, booking, property) : null;
      if (!booking || !property || !actor) {
        throw new DomainError(ErrorCode.NotFound, 'booking not found');
      }
      if (dto.refundAmount !== undefined && actor !== 'admin') {
        throw new DomainError(ErrorCode.ValidationFailed, 'only an admin may name the refund', {
          fields: [{ path: 'refundAmount', message: 'only an admin may name the refund' }],
        });
      }
      if (booking.status === 'cancelled') {
        if (idempotencyKey !== undefined && booking.cancelIdempotencyKey === idempotencyKey) {
          return { booking, replayed: true };
        }
        throw new DomainError(ErrorCode.Conflict, 'the booking is already cancelled', {
          status: booking.status,
        });
      }
      assertCancellable(booking);
      const policyQuote = quoteOf(booking, now, actor);
      const quote = dto.refundAmount === undefined ? policyQuote : adminQuote(policyQuote, dto.refundAmount);
      const previousStatus = booking.status as 'held' | 'confirmed';
      await this.bookings.markCancelled(
        booking.id,
        { cancelledAt: now, cancelledBy: actor, quote, idempotencyKey: idempotencyKey ?? null },
        tx,
      );
      await this.outbox.add(tx, 'booking.cancelled', booking.id, {
        bookingId: booking.id,
        propertyId: property.id,
        propertyTitle: property.title,
        hostId: property.hostId,
        guestId: booking.guestId,
        guestEmail: booking.guestEmail,
        guestName: booking.guestName,
        checkIn: booking.checkIn,
        checkOut: booking.checkOut,
        previousStatus,
        cancelledBy: actor,
        quote,
        locale: 'en',
      });
      if (actor !== 'guest') {
        // A host's or an admin's cancel is a sensitive action: identity's audit log gets it (issue 8 §7).
        await this.outbox.add(tx, 'audit.recorded', booking.id, {
          source: 'rentals',
          actor: { id: user.id, role: user.role },
          action: actor === 'host' ? 'booking.cancelled_by_host' : 'booking.cancelled_by_admin',
          target: { type: 'booking', id: booking.id },
          ip: origin.ip,
          requestId: origin.requestId,
          occurredAt: now.toISOString(),
          details: {
            previousStatus,
            refundAmount: quote.refundAmount,
            currency: quote.currency,
            basis: quote.breakdown.basis,
          },
        });
      }
      const cancelled = await this.bookings.findById(booking.id, tx);
      return { booking: cancelled as BookingEntity, replayed: false };
    });
    if (!outcome.replayed) {
      this.metrics.bookingsCancelled.inc({ by: outcome.booking.cancelledBy ?? 'guest' });
      // The dates are free again: the listing may belong on search pages that left it out.
      await this.cache.listingChanged(outcome.booking.propertyId);
    }
    return { booking: await this.views.one(outcome.booking), replayed: outcome.replayed };
  }
}

/** The guest cancels under the policy, the host refunds in full, an admin decides; anyone else sees nothing. */
function actorOf(
  user: Principal,
  booking: BookingEntity,
  property: PropertyEntity,
): CancellationActor | null {
  if (booking.guestId === user.id) {
    return 'guest';
  }
  if (property.hostId === user.id) {
    return 'host';
  }
  return user.role === 'admin' ? 'admin' : null;
}

function assertCancellable(booking: BookingEntity): void {
  if (booking.status !== 'held' && booking.status !== 'confirmed') {
    throw new DomainError(ErrorCode.Conflict, `a ${booking.status} booking cannot be cancelled`, {
      status: booking.status,
    });
  }
}

function quoteOf(booking: BookingEntity, at: Date, actor: CancellationActor): CancellationQuote {
  return quoteCancellation(
    {
      checkIn: booking.checkIn,
      // Only a confirmed booking has been paid for; money for a hold arrives as payment.succeeded
      // and, for a cancelled booking, is refunded in full (booking.payment-rejected).
      paid: booking.status === 'confirmed',
      price: booking.priceBreakdown,
      cancellationPolicy: booking.cancellationPolicy,
      cancellationPolicyVersion: booking.cancellationPolicyVersion,
    },
    at,
    actor,
  );
}
