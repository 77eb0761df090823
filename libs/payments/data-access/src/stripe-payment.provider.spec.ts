import { randomUUID } from 'node:crypto';
import {
  apiEndpointOf,
  newsOfStripeEvent,
  paymentStatusOfIntent,
  paymentUpdateOfStripeEvent,
} from './stripe-payment.provider';

const intentEvent = (type: string, object: Record<string, unknown>) => ({
  eventId: 'evt_1',
  type,
  payload: {
    id: 'evt_1',
    object: 'event',
    type,
    data: { object: { id: 'pi_1', object: 'payment_intent', ...object } },
  },
});

describe('Stripe adapter mapping', () => {
  it('maps every unfinished PaymentIntent status to pending', () => {
    for (const status of [
      'requires_payment_method',
      'requires_confirmation',
      'requires_action',
      'requires_capture',
      'processing',
    ] as const) {
      expect(paymentStatusOfIntent(status)).toBe('pending');
    }
    expect(paymentStatusOfIntent('succeeded')).toBe('succeeded');
    expect(paymentStatusOfIntent('canceled')).toBe('canceled');
  });

  it('reads our payment id back from the intent metadata', () => {
    const paymentId = randomUUID();
    expect(
      paymentUpdateOfStripeEvent(intentEvent('payment_intent.succeeded', { metadata: { paymentId } })),
    ).toEqual({
      providerPaymentId: 'pi_1',
      paymentId,
      status: 'succeeded',
      failureReason: null,
      amount: null,
      currency: null,
    });
  });

  it('reports the amount a success collected and the currency in upper case', () => {
    const update = paymentUpdateOfStripeEvent(
      intentEvent('payment_intent.succeeded', { amount: 36_000, amount_received: 100, currency: 'eur' }),
    );
    expect(update).toMatchObject({ amount: 100, currency: 'EUR' });
    const failed = paymentUpdateOfStripeEvent(
      intentEvent('payment_intent.payment_failed', { amount: 36_000, amount_received: 0, currency: 'eur' }),
    );
    expect(failed).toMatchObject({ amount: 36_000, currency: 'EUR' });
  });

  it('ignores a metadata payment id that is not one of ours', () => {
    const update = paymentUpdateOfStripeEvent(
      intentEvent('payment_intent.succeeded', { metadata: { paymentId: "1' OR 1=1" } }),
    );
    expect(update?.paymentId).toBeNull();
  });

  it('keeps the decline message of a failed payment', () => {
    const update = paymentUpdateOfStripeEvent(
      intentEvent('payment_intent.payment_failed', {
        last_payment_error: { code: 'card_declined', message: 'Your card was declined.' },
      }),
    );
    expect(update).toMatchObject({ status: 'failed', failureReason: 'Your card was declined.' });
  });

  it('acts on nothing else', () => {
    expect(paymentUpdateOfStripeEvent(intentEvent('payment_intent.created', {}))).toBeNull();
    expect(
      paymentUpdateOfStripeEvent({ eventId: 'evt_2', type: 'customer.created', payload: {} }),
    ).toBeNull();
  });

  it('reads refund events as refund news, with our refund id from the metadata', () => {
    const refundId = randomUUID();
    const refund = (type: string, status: string, failure?: string) =>
      newsOfStripeEvent({
        eventId: `evt_${type}`,
        type,
        payload: {
          data: { object: { id: 're_1', status, metadata: { refundId }, failure_reason: failure ?? null } },
        },
      });
    expect(refund('refund.updated', 'succeeded')).toEqual({
      payment: null,
      refunds: [{ providerRefundId: 're_1', status: 'succeeded', refundId, failureReason: null }],
    });
    expect(refund('refund.failed', 'failed', 'expired_or_canceled_card').refunds[0]).toMatchObject({
      status: 'failed',
      failureReason: 'expired_or_canceled_card',
    });
    expect(refund('refund.created', 'requires_action').refunds[0]?.status).toBe('pending');
    // charge.refunded names the intent only: its refunds are fetched.
    expect(
      newsOfStripeEvent({
        eventId: 'evt_c',
        type: 'charge.refunded',
        payload: { data: { object: { id: 'ch_1', payment_intent: 'pi_1' } } },
      }),
    ).toEqual({ payment: null, refunds: [], recheckRefundsOf: 'pi_1' });
  });

  it('points the SDK at STRIPE_API_BASE_URL when set', () => {
    expect(apiEndpointOf(undefined)).toEqual({});
    expect(apiEndpointOf('http://127.0.0.1:12111')).toEqual({
      host: '127.0.0.1',
      port: '12111',
      protocol: 'http',
    });
    expect(apiEndpointOf('https://stripe.internal')).toEqual({
      host: 'stripe.internal',
      port: 443,
      protocol: 'https',
    });
  });
});
