import type { Payment } from '@rentguy/payments/data-access';
import type { PaymentUpdate } from '@rentguy/payments/domain';
import { BatchLockedPayments } from './payment-transition.service';

function payment(overrides: Partial<Payment>): Payment {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    bookingId: '00000000-0000-4000-8000-0000000000b1',
    guestId: '00000000-0000-4000-8000-0000000000a1',
    provider: 'stripe',
    providerPaymentId: 'pi_1',
    amount: 24_000,
    currency: 'EUR',
    status: 'pending',
    failureReason: null,
    refundCommitted: 0,
    refundedAmount: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

function update(providerPaymentId: string, paymentId: string | null = null): PaymentUpdate {
  return {
    providerPaymentId,
    paymentId,
    status: 'succeeded',
    failureReason: null,
    amount: 24_000,
    currency: 'EUR',
  };
}

describe('BatchLockedPayments', () => {
  const stripe = payment({});
  const unattached = payment({
    id: '00000000-0000-4000-8000-000000000002',
    providerPaymentId: null,
  });
  const mollie = payment({
    id: '00000000-0000-4000-8000-000000000003',
    provider: 'mollie',
    providerPaymentId: 'tr_1',
  });

  it("finds a payment by the provider's id, then by ours, and only the provider's own", () => {
    const locked = new BatchLockedPayments([stripe, unattached, mollie]);
    expect(locked.take('stripe', update('pi_1'))).toBe(stripe);
    // Its provider id not stored yet: found by the id the provider echoed back.
    expect(locked.take('stripe', update('pi_2', unattached.id))).toBe(unattached);
    // A Stripe event naming a Mollie payment's id names nothing of ours.
    expect(locked.take('stripe', update('tr_1'))).toBeNull();
    expect(locked.take('mollie', update('tr_1'))).toBe(mollie);
  });

  it("prefers the provider's id over ours, as the single lookup does", () => {
    const byOurs = payment({ id: '00000000-0000-4000-8000-000000000004', providerPaymentId: 'pi_9' });
    const locked = new BatchLockedPayments([byOurs, stripe]);
    expect(locked.take('stripe', update('pi_1', byOurs.id))).toBe(stripe);
  });

  it('serves each payment once, then sends the caller to the database', () => {
    const locked = new BatchLockedPayments([stripe]);
    expect(locked.take('stripe', update('pi_1'))).toBe(stripe);
    // The first event may have changed the row in this transaction: read again.
    expect(locked.take('stripe', update('pi_1'))).toBeUndefined();
    expect(locked.take('stripe', update('pi_404'))).toBeNull();
  });
});
