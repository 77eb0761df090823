import { DomainError, ErrorCode } from '@rentguy/contracts';
import { percentageOf, type PriceBreakdown } from './pricing.policy';
import type { CancellationPolicy } from './rentals.types';

/** One step of a policy: cancelling at least `minHoursBefore` hours before check-in refunds this. */
export interface RefundTier {
  minHoursBefore: number;
  /** Share of the accommodation refunded, in basis points. */
  accommodationBps: number;
  /** Whether the platform's service fee is refunded too (in full) at this step. */
  serviceFeeRefundable: boolean;
}

/**
 * The rules of one version of a policy. Tiers are ordered from the earliest cancellation to the
 * latest; the first one whose `minHoursBefore` the cancellation meets applies. A cancellation at or
 * after check-in refunds nothing. The cleaning fee is refunded whenever the guest cancels before
 * check-in (nothing was cleaned yet), and the tax follows what is refunded.
 */
export interface CancellationPolicyRules {
  policy: CancellationPolicy;
  version: number;
  tiers: readonly RefundTier[];
}

/**
 * Every version of every policy ever offered (docs/architecture.md#cancellation-policies, README).
 * A booking keeps the version it was held under; changing a policy means adding a version here,
 * never editing one, so existing bookings keep their promise.
 */
export const CANCELLATION_POLICY_VERSIONS: readonly CancellationPolicyRules[] = [
  {
    policy: 'flexible',
    version: 1,
    tiers: [{ minHoursBefore: 24, accommodationBps: 10_000, serviceFeeRefundable: true }],
  },
  {
    policy: 'moderate',
    version: 1,
    tiers: [
      { minHoursBefore: 5 * 24, accommodationBps: 10_000, serviceFeeRefundable: true },
      { minHoursBefore: 0, accommodationBps: 5_000, serviceFeeRefundable: false },
    ],
  },
  {
    policy: 'strict',
    version: 1,
    tiers: [
      { minHoursBefore: 14 * 24, accommodationBps: 10_000, serviceFeeRefundable: true },
      { minHoursBefore: 7 * 24, accommodationBps: 5_000, serviceFeeRefundable: false },
    ],
  },
];

/** The policy a property has unless its host picks another. */
export const DEFAULT_CANCELLATION_POLICY: CancellationPolicy = 'moderate';

/** The version of `policy` new bookings are held under: its latest. */
export function currentPolicyVersion(policy: CancellationPolicy): number {
  return Math.max(...CANCELLATION_POLICY_VERSIONS.filter((r) => r.policy === policy).map((r) => r.version));
}

export function policyRules(policy: CancellationPolicy, version: number): CancellationPolicyRules {
  const rules = CANCELLATION_POLICY_VERSIONS.find((r) => r.policy === policy && r.version === version);
  if (!rules) {
    throw new Error(`no cancellation policy ${policy} version ${version}`);
  }
  return rules;
}

/** Who cancels decides what is refunded: the guest gets the policy's refund, a host's cancellation refunds in full. */
export type CancellationActor = 'guest' | 'host' | 'admin';

export interface RefundBreakdown {
  /** What the guest paid for the booking (0 while it is only held). */
  paid: number;
  accommodation: number;
  cleaningFee: number;
  serviceFee: number;
  tax: number;
  /** Share of the accommodation refunded, in basis points. */
  accommodationBps: number;
  /** Whole hours from `asOf` to check-in (negative once the stay has begun). */
  hoursBeforeCheckIn: number;
  /** Why the refund is what it is: `policy`, `full` (host or admin) or `unpaid`. */
  basis: 'policy' | 'full' | 'unpaid' | 'admin-amount';
}

export interface CancellationQuote {
  refundAmount: number;
  currency: string;
  policy: CancellationPolicy;
  policyVersion: number;
  asOf: string;
  breakdown: RefundBreakdown;
}

export interface QuotedBooking {
  checkIn: string;
  /** Whether the guest has paid (confirmed): a hold has taken no money, so it refunds nothing. */
  paid: boolean;
  price: PriceBreakdown;
  cancellationPolicy: CancellationPolicy;
  cancellationPolicyVersion: number;
}

const HOUR_MS = 3_600_000;

/** Check-in starts at midnight UTC at the beginning of the check-in day (as `utcToday` counts days). */
export function checkInInstant(checkIn: string): Date {
  return new Date(`${checkIn}T00:00:00.000Z`);
}

/**
 * What cancelling `booking` at `asOf` refunds, deterministic for the instant. A guest gets the
 * policy's refund; a host's or an admin's cancellation refunds everything that was paid.
 */
export function quoteCancellation(
  booking: QuotedBooking,
  asOf: Date,
  actor: CancellationActor = 'guest',
): CancellationQuote {
  const { price } = booking;
  const msBefore = checkInInstant(booking.checkIn).getTime() - asOf.getTime();
  const hoursBefore = Math.floor(msBefore / HOUR_MS);
  const base = {
    currency: price.currency,
    policy: booking.cancellationPolicy,
    policyVersion: booking.cancellationPolicyVersion,
    asOf: asOf.toISOString(),
  };
  if (!booking.paid) {
    return {
      ...base,
      refundAmount: 0,
      breakdown: {
        paid: 0,
        accommodation: 0,
        cleaningFee: 0,
        serviceFee: 0,
        tax: 0,
        accommodationBps: 0,
        hoursBeforeCheckIn: hoursBefore,
        basis: 'unpaid',
      },
    };
  }
  if (actor !== 'guest') {
    return {
      ...base,
      refundAmount: price.total,
      breakdown: {
        paid: price.total,
        accommodation: price.accommodation,
        cleaningFee: price.cleaningFee,
        serviceFee: price.serviceFee,
        tax: price.tax,
        accommodationBps: 10_000,
        hoursBeforeCheckIn: hoursBefore,
        basis: 'full',
      },
    };
  }
  const rules = policyRules(booking.cancellationPolicy, booking.cancellationPolicyVersion);
  // The stay has begun (or its first day has): nothing is refunded.
  const beforeCheckIn = msBefore > 0;
  const tier = beforeCheckIn ? rules.tiers.find((t) => msBefore >= t.minHoursBefore * HOUR_MS) : undefined;
  const accommodation = tier ? percentageOf(price.accommodation, tier.accommodationBps) : 0;
  const cleaningFee = beforeCheckIn ? price.cleaningFee : 0;
  const serviceFee = tier?.serviceFeeRefundable ? price.serviceFee : 0;
  const untaxed = accommodation + cleaningFee + serviceFee;
  // The tax on what is refunded, computed as the price computed it, so a full refund returns it all.
  const tax = Math.min(price.tax, percentageOf(untaxed, price.taxBps));
  return {
    ...base,
    refundAmount: untaxed + tax,
    breakdown: {
      paid: price.total,
      accommodation,
      cleaningFee,
      serviceFee,
      tax,
      accommodationBps: tier?.accommodationBps ?? 0,
      hoursBeforeCheckIn: hoursBefore,
      basis: 'policy',
    },
  };
}

/** An admin may refund any part of what was paid, never more. */
export function adminQuote(quote: CancellationQuote, refundAmount: number): CancellationQuote {
  if (!Number.isInteger(refundAmount) || refundAmount < 0 || refundAmount > quote.breakdown.paid) {
    throw new DomainError(ErrorCode.ValidationFailed, 'refundAmount is more than was paid', {
      fields: [{ path: 'refundAmount', message: `at most ${quote.breakdown.paid}` }],
    });
  }
  return { ...quote, refundAmount, breakdown: { ...quote.breakdown, basis: 'admin-amount' } };
}
