import { DomainError, ErrorCode } from '@rentguy/contracts';
import { MAX_BOOKING_TOTAL, quoteStay } from './pricing.policy';

describe('quoteStay', () => {
  it('charges nights × nightly price plus the cleaning fee, in minor units', () => {
    expect(quoteStay({ nightlyPrice: 12_345, cleaningFee: 2_500, currency: 'EUR' }, 3)).toEqual({
      nights: 3,
      nightlyPrice: 12_345,
      accommodation: 37_035,
      cleaningFee: 2_500,
      total: 39_535,
      currency: 'EUR',
    });
  });

  it('has no cleaning fee by default data', () => {
    expect(quoteStay({ nightlyPrice: 9_900, cleaningFee: 0, currency: 'USD' }, 1).total).toBe(9_900);
  });

  it('refuses a zero-night stay', () => {
    expect(() => quoteStay({ nightlyPrice: 100, cleaningFee: 0, currency: 'EUR' }, 0)).toThrow(DomainError);
  });

  it('refuses a total that no payment provider would charge', () => {
    const run = () => quoteStay({ nightlyPrice: 5_000_000, cleaningFee: 0, currency: 'EUR' }, 20);
    expect(run).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
    expect(quoteStay({ nightlyPrice: MAX_BOOKING_TOTAL, cleaningFee: 0, currency: 'EUR' }, 1).total).toBe(
      MAX_BOOKING_TOTAL,
    );
  });
});
