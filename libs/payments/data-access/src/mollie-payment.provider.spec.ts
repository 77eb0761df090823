import { DomainError } from '@rentguy/contracts';
import type { ConfigOf } from '@rentguy/platform/config';
import {
  MOLLIE_PING_TYPE,
  MolliePaymentProvider,
  mollieNewsIdOf,
  paymentStatusOfMollie,
  paymentUpdateOfMolliePayment,
} from './mollie-payment.provider';
import type { paymentsDataAccessConfig } from './payments-data-access.config';

const paymentId = '0b5f3a52-6b7e-4c35-9a39-2f8d6a1c9e10';

function fetched(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'tr_WDqYK6vllg',
    status,
    amount: { currency: 'EUR', value: '360.00' },
    metadata: { paymentId, bookingId: 'b' },
    ...extra,
  };
}

describe('paymentStatusOfMollie', () => {
  it.each([
    ['open', 'pending'],
    ['pending', 'pending'],
    ['authorized', 'pending'],
    ['paid', 'succeeded'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
    ['expired', 'expired'],
    ['some-future-status', 'pending'],
  ])('maps %s to %s', (mollie, ours) => {
    expect(paymentStatusOfMollie(mollie)).toBe(ours);
  });
});

describe('paymentUpdateOfMolliePayment', () => {
  it('reads a paid payment as a success for its amount in minor units, with our payment id', () => {
    expect(paymentUpdateOfMolliePayment(fetched('paid'))).toEqual({
      providerPaymentId: 'tr_WDqYK6vllg',
      paymentId,
      status: 'succeeded',
      failureReason: null,
      amount: 36000,
      currency: 'EUR',
      newsId: 'tr_WDqYK6vllg:paid',
    });
  });

  it('gives a failure its reason and ignores metadata that is not our id', () => {
    const update = paymentUpdateOfMolliePayment(
      fetched('failed', {
        metadata: { paymentId: 'not-a-uuid' },
        details: { failureReason: 'card_declined' },
      }),
    );
    expect(update).toMatchObject({ status: 'failed', failureReason: 'card_declined', paymentId: null });
  });
});

describe('mollieNewsIdOf', () => {
  it('differs by status, refund status and chargebacks, and not by the order Mollie lists them in', () => {
    const refunds = [
      { id: 're_b', status: 'pending' },
      { id: 're_a', status: 'refunded' },
    ];
    expect(mollieNewsIdOf(fetched('open'))).not.toBe(mollieNewsIdOf(fetched('paid')));
    expect(mollieNewsIdOf(fetched('paid', { _embedded: { refunds } }))).toBe(
      'tr_WDqYK6vllg:paid:re_a=refunded:re_b=pending',
    );
    expect(mollieNewsIdOf(fetched('paid', { _embedded: { refunds: [...refunds].reverse() } }))).toBe(
      mollieNewsIdOf(fetched('paid', { _embedded: { refunds } })),
    );
    expect(mollieNewsIdOf(fetched('paid', { _embedded: { refunds, chargebacks: [{ id: 'chb_1' }] } }))).toBe(
      'tr_WDqYK6vllg:paid:re_a=refunded:re_b=pending:chb_1',
    );
  });
});

describe('MolliePaymentProvider.parseWebhook', () => {
  const provider = new MolliePaymentProvider({
    MOLLIE_API_KEY: 'test_abcdefghijklmnopqrstuvwxyz0123',
    MOLLIE_API_BASE_URL: 'https://api.mollie.com/v2/',
    PUBLIC_WEB_URL: 'http://127.0.0.1:3000',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
  } as ConfigOf<typeof paymentsDataAccessConfig>);

  it('stores every ping as its own delivery naming the payment', () => {
    const first = provider.parseWebhook(Buffer.from('id=tr_WDqYK6vllg'));
    const second = provider.parseWebhook(Buffer.from('id=tr_WDqYK6vllg'));
    expect(first).toMatchObject({ type: MOLLIE_PING_TYPE, payload: { id: 'tr_WDqYK6vllg' } });
    expect(first.eventId).toMatch(/^tr_WDqYK6vllg@/);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it.each(['', 'id=', 'id=pi_123', 'id=tr_%27%3B--', 'foo=tr_1'])('refuses the body %p naming id', (body) => {
    try {
      provider.parseWebhook(Buffer.from(body));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).details).toMatchObject({ fields: [{ path: 'id' }] });
    }
  });
});
