import { DomainError, ErrorCode } from '@rentguy/contracts';
import { MAX_BOOKING_TOTAL, percentageOf, quoteStay } from './pricing.policy';

describe('percentageOf', () => {
  it('rounds half a minor unit up and anything less down', () => {
    // 10 % of 125 = 12.5 → 13; 10 % of 124 = 12.4 → 12; 10 % of 126 = 12.6 → 13.
    expect(percentageOf(125, 1_000)).toBe(13);
    expect(percentageOf(124, 1_000)).toBe(12);
    expect(percentageOf(126, 1_000)).toBe(13);
    // 9 % of 50 = 4.5 → 5; 9 % of 49 = 4.41 → 4; 0.01 % of 4 999 = 0.4999 → 0.
    expect(percentageOf(50, 900)).toBe(5);
    expect(percentageOf(49, 900)).toBe(4);
    expect(percentageOf(4_999, 1)).toBe(0);
    expect(percentageOf(5_000, 1)).toBe(1);
  });

  it('is exact at the largest chargeable amount', () => {
    expect(percentageOf(MAX_BOOKING_TOTAL, 10_000)).toBe(MAX_BOOKING_TOTAL);
    // 99 999 999 × 21 % = 20 999 999.79 → 21 000 000.
    expect(percentageOf(MAX_BOOKING_TOTAL, 2_100)).toBe(21_000_000);
  });
});

describe('quoteStay', () => {
  it('charges nights × nightly price plus the cleaning fee when there are no fees or taxes', () => {
    expect(quoteStay({ nightlyPrice: 12_345, cleaningFee: 2_500, currency: 'EUR' }, 3)).toEqual({
      nights: 3,
      nightlyPrice: 12_345,
      accommodation: 37_035,
      cleaningFee: 2_500,
      serviceFee: 0,
      serviceFeeBps: 0,
      tax: 0,
      taxBps: 0,
      total: 39_535,
      currency: 'EUR',
    });
  });

  it('adds the service fee on accommodation + cleaning, then tax on all three, each rounded half up', () => {
    const quote = quoteStay({ nightlyPrice: 12_345, cleaningFee: 2_500, currency: 'EUR' }, 3, {
      serviceFeeBps: 1_250,
      taxBps: 900,
    });
    // 39 535 × 12.5 % = 4 941.875 → 4 942; (39 535 + 4 942) × 9 % = 4 002.93 → 4 003.
    expect(quote).toMatchObject({ accommodation: 37_035, serviceFee: 4_942, tax: 4_003, total: 48_480 });
    expect(quote.total).toBe(quote.accommodation + quote.cleaningFee + quote.serviceFee + quote.tax);
  });

  it('always adds up, whatever the rates', () => {
    for (let i = 1; i < 500; i += 1) {
      const rate = {
        nightlyPrice: ((i * 7919) % 50_000) + 1,
        cleaningFee: (i * 104_729) % 9_000,
        currency: 'EUR',
      };
      const quote = quoteStay(rate, (i % 14) + 1, {
        serviceFeeBps: (i * 37) % 2_000,
        taxBps: (i * 53) % 2_500,
      });
      expect(quote.total).toBe(quote.accommodation + quote.cleaningFee + quote.serviceFee + quote.tax);
      expect(Number.isInteger(quote.serviceFee) && Number.isInteger(quote.tax)).toBe(true);
    }
  });

  it('refuses a zero-night stay', () => {
    expect(() => quoteStay({ nightlyPrice: 100, cleaningFee: 0, currency: 'EUR' }, 0)).toThrow(DomainError);
  });

  it('refuses rates that are not whole basis points within 0..100 %', () => {
    const rate = { nightlyPrice: 100, cleaningFee: 0, currency: 'EUR' };
    expect(() => quoteStay(rate, 1, { serviceFeeBps: 10_001, taxBps: 0 })).toThrow(/serviceFeeBps/);
    expect(() => quoteStay(rate, 1, { serviceFeeBps: 0, taxBps: 2.5 })).toThrow(/taxBps/);
  });

  it('refuses a total that no payment provider would charge, fees and taxes included', () => {
    const run = () => quoteStay({ nightlyPrice: 5_000_000, cleaningFee: 0, currency: 'EUR' }, 20);
    expect(run).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
    expect(quoteStay({ nightlyPrice: MAX_BOOKING_TOTAL, cleaningFee: 0, currency: 'EUR' }, 1).total).toBe(
      MAX_BOOKING_TOTAL,
    );
    expect(() =>
      quoteStay({ nightlyPrice: MAX_BOOKING_TOTAL, cleaningFee: 0, currency: 'EUR' }, 1, {
        serviceFeeBps: 1,
        taxBps: 0,
      }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
  });
});
