import { DomainError, ErrorCode } from '@rentguy/contracts';

/** What a property charges, in integer minor units of `currency`. */
export interface Rate {
  nightlyPrice: number;
  cleaningFee: number;
  currency: string;
}

/** The price of a stay as the guest sees it; `total` is what gets charged. */
export interface PriceBreakdown {
  nights: number;
  nightlyPrice: number;
  accommodation: number;
  cleaningFee: number;
  total: number;
  currency: string;
}

/**
 * The largest amount payment providers accept in one charge (Stripe: 999,999.99 in two-decimal
 * currencies); a stay that costs more could never be paid.
 */
export const MAX_BOOKING_TOTAL = 99_999_999;

/** Prices a stay server-side: nights × nightly price + cleaning fee, all integers, no rounding. */
export function quoteStay(rate: Rate, nights: number): PriceBreakdown {
  if (!Number.isInteger(nights) || nights < 1) {
    throw new DomainError(ErrorCode.ValidationFailed, 'a stay lasts at least one night');
  }
  const accommodation = rate.nightlyPrice * nights;
  const total = accommodation + rate.cleaningFee;
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
    total,
    currency: rate.currency,
  };
}
