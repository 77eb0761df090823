import { DomainError, ErrorCode } from '@rentguy/contracts';

/** What a property charges, in integer minor units of `currency`. */
export interface Rate {
  nightlyPrice: number;
  cleaningFee: number;
  currency: string;
}

/** The platform's charges on top of the host's rate, as basis points (1 bp = 0.01 %). */
export interface Charges {
  /** The platform's service fee, on the accommodation plus the cleaning fee. */
  serviceFeeBps: number;
  /** The tax rate of the property's country, on everything else the guest pays. */
  taxBps: number;
}

/**
 * The price of a stay as the guest sees it; `total` is what gets charged, and it is always the sum
 * of `accommodation`, `cleaningFee`, `serviceFee` and `tax`.
 */
export interface PriceBreakdown {
  nights: number;
  nightlyPrice: number;
  accommodation: number;
  cleaningFee: number;
  serviceFee: number;
  /** Basis points the service fee was computed with. */
  serviceFeeBps: number;
  tax: number;
  /** Basis points the tax was computed with. */
  taxBps: number;
  total: number;
  currency: string;
}

/**
 * The largest amount payment providers accept in one charge (Stripe: 999,999.99 in two-decimal
 * currencies); a stay that costs more could never be paid.
 */
export const MAX_BOOKING_TOTAL = 99_999_999;

/** 100 % in basis points: the largest fee or tax rate accepted. */
export const MAX_RATE_BPS = 10_000;

/**
 * `amount × bps / 10 000` rounded half up to a whole minor unit (amounts are never negative, so
 * half up is half away from zero): 0.5 cent and more rounds up, less rounds down. Integer
 * arithmetic only, exact for every amount up to MAX_BOOKING_TOTAL.
 */
export function percentageOf(amount: number, bps: number): number {
  return Math.floor((amount * bps + MAX_RATE_BPS / 2) / MAX_RATE_BPS);
}

/**
 * Prices a stay server-side: accommodation (nights × nightly price) + cleaning fee + service fee
 * (a percentage of those two) + tax (a percentage of all three). Each component is rounded on its
 * own (`percentageOf`) and the total is their sum, so the breakdown always adds up.
 */
export function quoteStay(
  rate: Rate,
  nights: number,
  charges: Charges = { serviceFeeBps: 0, taxBps: 0 },
): PriceBreakdown {
  if (!Number.isInteger(nights) || nights < 1) {
    throw new DomainError(ErrorCode.ValidationFailed, 'a stay lasts at least one night');
  }
  for (const [name, bps] of Object.entries(charges)) {
    if (!Number.isInteger(bps) || bps < 0 || bps > MAX_RATE_BPS) {
      throw new Error(`${name} must be whole basis points between 0 and ${MAX_RATE_BPS}, got ${bps}`);
    }
  }
  const accommodation = rate.nightlyPrice * nights;
  const serviceFee = percentageOf(accommodation + rate.cleaningFee, charges.serviceFeeBps);
  const tax = percentageOf(accommodation + rate.cleaningFee + serviceFee, charges.taxBps);
  const total = accommodation + rate.cleaningFee + serviceFee + tax;
  if (!Number.isSafeInteger(total) || total > MAX_BOOKING_TOTAL) {
    throw new DomainError(ErrorCode.ValidationFailed, 'the stay costs more than can be charged at once', {
      total,
      max: MAX_BOOKING_TOTAL,
    });
  }
  return {
    nights,
    nightlyPrice: rate.nightlyPrice,
    accommodation,
    cleaningFee: rate.cleaningFee,
    serviceFee,
    serviceFeeBps: charges.serviceFeeBps,
    tax,
    taxBps: charges.taxBps,
    total,
    currency: rate.currency,
  };
}
