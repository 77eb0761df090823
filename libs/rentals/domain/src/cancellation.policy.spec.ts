import { quoteStay } from './pricing.policy';
import {
  adminQuote,
  CANCELLATION_POLICY_VERSIONS,
  currentPolicyVersion,
  quoteCancellation,
  type QuotedBooking,
} from './cancellation.policy';

// 4 nights at 100.00, cleaning 40.00, service fee 10 %, tax 9 %: 440 + 40 + 48 = 528, tax 47.52.
const price = quoteStay({ nightlyPrice: 10_000, cleaningFee: 4_000, currency: 'EUR' }, 4, {
  serviceFeeBps: 1_000,
  taxBps: 900,
});
const booking = (policy: QuotedBooking['cancellationPolicy'], paid = true): QuotedBooking => ({
  checkIn: '2027-06-10',
  paid,
  price,
  cancellationPolicy: policy,
  cancellationPolicyVersion: 1,
});
const hoursBefore = (hours: number): Date => new Date(Date.UTC(2027, 5, 10) - hours * 3_600_000);

describe('quoteCancellation', () => {
  it('prices the stay the way the tests below assume', () => {
    expect(price).toMatchObject({ accommodation: 40_000, cleaningFee: 4_000, serviceFee: 4_400, tax: 4_356 });
    expect(price.total).toBe(52_756);
  });

  it.each([
    // policy, hours before check-in, refund
    ['flexible', 24, 52_756],
    ['flexible', 23, 4_360], // cleaning fee + its tax
    ['moderate', 120, 52_756],
    ['moderate', 119, 20_000 + 4_000 + 2_160], // half the nights, the cleaning fee, the tax on both
    ['moderate', 1, 26_160],
    ['strict', 336, 52_756],
    ['strict', 335, 26_160],
    ['strict', 168, 26_160],
    ['strict', 167, 4_360],
  ] as const)('%s, %d h before check-in, refunds %d', (policy, hours, refund) => {
    const quote = quoteCancellation(booking(policy), hoursBefore(hours));
    expect(quote.refundAmount).toBe(refund);
    const { accommodation, cleaningFee, serviceFee, tax } = quote.breakdown;
    expect(accommodation + cleaningFee + serviceFee + tax).toBe(refund);
  });

  it('refunds nothing once the check-in day has begun', () => {
    for (const policy of ['flexible', 'moderate', 'strict'] as const) {
      expect(quoteCancellation(booking(policy), hoursBefore(0)).refundAmount).toBe(0);
      expect(quoteCancellation(booking(policy), hoursBefore(-30)).refundAmount).toBe(0);
    }
  });

  it('refunds everything paid when the host or an admin cancels, and nothing for an unpaid hold', () => {
    expect(quoteCancellation(booking('strict'), hoursBefore(-5), 'host').refundAmount).toBe(price.total);
    expect(quoteCancellation(booking('strict'), hoursBefore(2), 'admin').breakdown.basis).toBe('full');
    expect(quoteCancellation(booking('flexible', false), hoursBefore(500)).refundAmount).toBe(0);
  });

  it('is deterministic for the instant and names the policy version', () => {
    const at = new Date('2027-06-08T13:14:15.000Z');
    expect(quoteCancellation(booking('moderate'), at)).toEqual(quoteCancellation(booking('moderate'), at));
    expect(quoteCancellation(booking('moderate'), at)).toMatchObject({
      policy: 'moderate',
      policyVersion: 1,
      asOf: '2027-06-08T13:14:15.000Z',
      currency: 'EUR',
    });
  });

  it('lets an admin refund part of what was paid, never more', () => {
    const full = quoteCancellation(booking('strict'), hoursBefore(1), 'admin');
    expect(adminQuote(full, 1_000).refundAmount).toBe(1_000);
    expect(() => adminQuote(full, price.total + 1)).toThrow('more than was paid');
  });
});

describe('policy versions', () => {
  it('has one current version per policy and no duplicate versions', () => {
    expect(currentPolicyVersion('moderate')).toBe(1);
    const keys = CANCELLATION_POLICY_VERSIONS.map((r) => `${r.policy}@${r.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
