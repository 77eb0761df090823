import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { describeError } from '@rentguy/platform/errors';
import { DomainError, ErrorCode, type InternalBooking } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import {
  type ProjectedBookingStatus,
  BookingProjectionRepository,
  type BookingProjection,
  PaymentRepository,
  type Payment,
  RentalsBookingRepository,
} from '@rentguy/payments/data-access';
import {
  IN_FLIGHT_STATUSES,
  PAID_STATUSES,
  type PaymentMethodChoice,
  type PaymentProviderName,
  type PaymentStatus,
  type PaymentProvider,
  type ProviderPayment,
} from '@rentguy/payments/domain';
import { PaymentMetrics } from './payment.metrics';
import { PaymentProviderRegistry } from './payment-provider.registry';
import { PaymentTransitionService, type TransitionOutcome } from './payment-transition.service';

/** The guest paying, with the bearer token of their request (forwarded when rentals is asked). */
export interface PayingGuest {
  id: string;
  accessToken: string;
}

/**
 * What the guest's frontend needs to complete the payment with the provider: Stripe's client
 * secret (for its Payment Element), or the URL of Mollie's hosted checkout.
 */
export type PaymentView = {
  id: string;
  provider: PaymentProviderName;
  status: PaymentStatus;
  providerPaymentId: string | null;
  amount: number;
  currency: string;
} & ({ clientSecret: string | null } | { checkoutUrl: string | null });

export interface StartedPayment {
  payment: PaymentView;
  /** False when an in-flight payment of the booking was returned instead of a new one. */
  created: boolean;
}

@Injectable()
export class PaymentService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentService.name);
  private readonly withdrawals = new Set<Promise<void>>();

  constructor(
    private readonly projections: BookingProjectionRepository,
    private readonly rentals: RentalsBookingRepository,
    private readonly payments: PaymentRepository,
    private readonly transactions: TransactionRunner,
    private readonly providers: PaymentProviderRegistry,
    private readonly metrics: PaymentMetrics,
    private readonly transitions: PaymentTransitionService,
  ) {}

  /**
   * Starts paying a held booking of `guestId`, or returns the payment already in flight for it.
   * The provider is called outside any transaction, with our payment id as idempotency key: when
   * it is down the payment stays `created`, and the retry reuses the key, so nobody pays twice.
   */
  async startPayment(
    guest: PayingGuest,
    bookingId: string,
    providerName: PaymentProviderName,
    method?: PaymentMethodChoice,
  ): Promise<StartedPayment> {
    const provider = this.providers.get(providerName);
    await this.ensureOwnedBooking(guest, bookingId);

    const { payment, created } = await this.transactions.run(async (tx) => {
      // Serialises concurrent requests for one booking: the second one finds the first one's payment.
      const booking = await this.projections.lock(tx, bookingId);
      if (!booking || booking.guestId !== guest.id) {
        throw bookingNotFound(bookingId);
      }
      const paid = await this.payments.findLatestForBooking(tx, bookingId, PAID_STATUSES);
      if (paid) {
        throw new DomainError(ErrorCode.NotPayable, 'the booking is already paid', {
          bookingId,
          paymentId: paid.id,
        });
      }
      assertPayable(booking);
      const inFlight = await this.payments.findLatestForBooking(tx, bookingId, IN_FLIGHT_STATUSES);
      if (inFlight) {
        if (inFlight.provider !== providerName) {
          throw new DomainError(
            ErrorCode.Conflict,
            `a ${inFlight.provider} payment of this booking is in progress`,
            {
              paymentId: inFlight.id,
              provider: inFlight.provider,
            },
          );
        }
        return { payment: inFlight, created: false };
      }
      const fresh = await this.payments.insert(tx, {
        id: randomUUID(),
        bookingId,
        guestId: guest.id,
        provider: providerName,
        amount: booking.amount,
        currency: booking.currency,
      });
      return { payment: fresh, created: true };
    });
    if (created) {
      this.metrics.paymentEntered(payment.provider, payment.status, payment.amount, payment.currency);
    }

    if (payment.status === 'created' || payment.providerPaymentId === null) {
      const { stored, remote } = await this.createAtProvider(provider, payment, method);
      return { payment: viewOf(stored, remote), created };
    }
    // The client secret (or checkout URL) is never stored: ask the provider for it again.
    const remote = await provider.fetchStatus(payment.providerPaymentId);
    return { payment: viewOf(payment, remote), created };
  }

  /**
   * Creates a `created` payment at its provider (our payment id as idempotency key, so a retry
   * returns the same intent) and records the provider's id. Also used by reconciliation.
   */
  async createAtProvider(
    provider: PaymentProvider,
    payment: Payment,
    method?: PaymentMethodChoice,
  ): Promise<{ stored: Payment; remote: ProviderPayment }> {
    await this.cancelSuperseded(provider, payment);
    const remote = await provider.create({
      paymentId: payment.id,
      bookingId: payment.bookingId,
      amount: payment.amount,
      currency: payment.currency,
      ...(method && { method }),
    });
    const stored = await this.payments.attachProviderPayment(payment.id, remote.providerPaymentId);
    if (payment.status === 'created' && stored.status === 'pending') {
      this.metrics.paymentEntered(stored.provider, stored.status, stored.amount, stored.currency);
    }
    return { stored, remote };
  }

  /**
   * Stops a payment nobody may complete any more (its hold expired, its booking was cancelled) at
   * its provider, and applies what the provider answers: canceled, or succeeded if the guest paid
   * just before (that money then comes back through `booking.payment-rejected`).
   */
  async withdraw(payment: Payment, reason: string): Promise<TransitionOutcome> {
    const provider = this.providers.get(payment.provider);
    // A create the provider may have taken without answering: the same key finds that payment.
    const providerPaymentId =
      payment.providerPaymentId ?? (await this.createAtProvider(provider, payment)).remote.providerPaymentId;
    const remote = await provider.cancel(providerPaymentId, payment.id);
    return this.applyProviderState(
      payment,
      remote.status === 'canceled' ? { ...remote, failureReason: reason } : remote,
    );
  }

  /**
   * Withdraws the booking's payment still in flight, in the background (a Kafka handler's
   * after-commit work must not wait on a provider); a failure is left to reconciliation.
   */
  withdrawInFlight(bookingId: string, reason: string): void {
    const work = this.transactions
      .run((tx) => this.payments.findLatestForBooking(tx, bookingId, IN_FLIGHT_STATUSES))
      .then(async (inFlight) => {
        if (inFlight) {
          await this.withdraw(inFlight, reason);
        }
      })
      .catch((error: unknown) => {
        this.logger.warn(`withdrawing the payment of booking ${bookingId} failed: ${describeError(error)}`);
      })
      .finally(() => this.withdrawals.delete(work));
    this.withdrawals.add(work);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.withdrawals]);
  }

  /** What a provider says of our payment, applied through the forward-only transition (reconciliation too). */
  async applyProviderState(payment: Payment, remote: ProviderPayment): Promise<TransitionOutcome> {
    const transition = await this.transactions.run((tx) =>
      this.transitions.apply(tx, payment.provider, {
        providerPaymentId: remote.providerPaymentId,
        paymentId: payment.id,
        status: remote.status,
        failureReason: remote.failureReason,
        amount: remote.amount,
        currency: remote.currency,
      }),
    );
    this.transitions.recordCommitted(transition);
    return transition;
  }

  /**
   * A declined intent goes back to awaiting a payment method and stays payable with its client
   * secret: before the guest gets a new one, the booking's last failed intent is canceled at the
   * provider, so one booking can never be paid twice. If it was paid after all, that wins.
   */
  private async cancelSuperseded(provider: PaymentProvider, payment: Payment): Promise<void> {
    const superseded = await this.transactions.run((tx) =>
      this.payments.findLatestForBooking(tx, payment.bookingId, ['failed']),
    );
    if (!superseded?.providerPaymentId || superseded.provider !== provider.name) {
      return;
    }
    const remote = await provider.cancel(superseded.providerPaymentId, superseded.id);
    if (remote.status !== 'succeeded') {
      return;
    }
    const transition = await this.transactions.run(async (tx) => {
      const applied = await this.transitions.apply(tx, provider.name, {
        providerPaymentId: remote.providerPaymentId,
        paymentId: superseded.id,
        status: remote.status,
        failureReason: null,
        amount: remote.amount,
        currency: remote.currency,
      });
      // The new attempt never reached the provider or the guest: nothing to tell anyone.
      await this.payments.cancelCreated(tx, payment.id, 'superseded by a paid payment');
      return applied;
    });
    this.transitions.recordCommitted(transition);
    throw new DomainError(ErrorCode.NotPayable, 'the booking is already paid', {
      bookingId: payment.bookingId,
      paymentId: superseded.id,
    });
  }

  /**
   * The booking must be known and the caller's. `booking.held` reaches the projection through Kafka
   * a moment after rentals answered the guest, so a guest who pays at once usually gets here first:
   * an unknown booking is read through from rentals and stored (docs/payments-read-through.md).
   */
  private async ensureOwnedBooking(guest: PayingGuest, bookingId: string): Promise<void> {
    const booking = (await this.projections.find(bookingId)) ?? (await this.readThrough(guest, bookingId));
    // Someone else's booking is indistinguishable from a missing one (no id probing).
    if (!booking || booking.guestId !== guest.id) {
      throw bookingNotFound(bookingId);
    }
  }

  private async readThrough(guest: PayingGuest, bookingId: string): Promise<InternalBooking | null> {
    const booking = await this.rentals.findForGuest(bookingId, guest.accessToken).catch((error: unknown) => {
      this.metrics.bookingReadThrough('failed');
      throw error;
    });
    if (!booking) {
      this.metrics.bookingReadThrough('unknown');
      return null;
    }
    const status = projectedStatusOf(booking);
    // Its own short transaction: the payment transaction's row lock then finds it like any other.
    await this.transactions.run((tx) =>
      this.projections.insertIfAbsent(tx, {
        bookingId: booking.bookingId,
        guestId: booking.guestId,
        amount: booking.totalAmount,
        currency: booking.currency,
        expiresAt: new Date(booking.expiresAt),
        status,
      }),
    );
    this.metrics.bookingReadThrough('stored');
    return booking;
  }
}

/** What the projection records of a booking read from rentals; the states it has no room for are never payable. */
function projectedStatusOf(booking: InternalBooking): ProjectedBookingStatus {
  switch (booking.status) {
    case 'held':
    case 'confirmed':
    case 'expired':
      return booking.status;
    case 'completed':
    case 'cancelled':
      throw new DomainError(ErrorCode.NotPayable, `the booking is ${booking.status}`, {
        bookingId: booking.bookingId,
        status: booking.status,
      });
  }
}

function assertPayable(booking: BookingProjection): void {
  if (booking.status !== 'held') {
    throw new DomainError(ErrorCode.NotPayable, `the booking is ${booking.status}`, {
      bookingId: booking.bookingId,
      status: booking.status,
    });
  }
  if (booking.expiresAt.getTime() <= Date.now()) {
    throw new DomainError(ErrorCode.NotPayable, 'the booking hold has expired', {
      bookingId: booking.bookingId,
      status: 'expired',
      expiresAt: booking.expiresAt.toISOString(),
    });
  }
}

function bookingNotFound(bookingId: string): DomainError {
  return new DomainError(ErrorCode.NotFound, 'booking not found', { bookingId });
}

function viewOf(payment: Payment, remote: ProviderPayment): PaymentView {
  const base = {
    id: payment.id,
    provider: payment.provider,
    status: payment.status,
    providerPaymentId: payment.providerPaymentId,
    amount: payment.amount,
    currency: payment.currency,
  };
  return payment.provider === 'mollie'
    ? { ...base, checkoutUrl: remote.checkoutUrl }
    : { ...base, clientSecret: remote.clientSecret };
}
