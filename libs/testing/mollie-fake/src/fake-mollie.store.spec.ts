import { FakeMollieStore, readAmount } from './fake-mollie.store';
import { MollieApiProblem } from './mollie-api.error';

const create = (store: FakeMollieStore, overrides: Record<string, unknown> = {}) =>
  store.createPayment(
    {
      amount: { currency: 'EUR', value: '10.00' },
      description: 'stay',
      redirectUrl: 'https://web.example.com/return',
      webhookUrl: 'https://api.example.com/v1/webhooks/mollie',
      ...overrides,
    },
    'test',
  );

function problemOf(work: () => unknown): MollieApiProblem {
  try {
    work();
  } catch (error) {
    if (error instanceof MollieApiProblem) {
      return error;
    }
    throw error;
  }
  throw new Error('no problem raised');
}

describe('the fake Mollie store', () => {
  it('validates amounts as Mollie does: exactly the currency decimals', () => {
    expect(readAmount({ currency: 'EUR', value: '10.00' }).units).toBe(1000);
    expect(readAmount({ currency: 'JPY', value: '500' }).units).toBe(500);
    for (const value of ['10', '10.0', '10.000', '-1.00', '0.00']) {
      expect(problemOf(() => readAmount({ currency: 'EUR', value })).field).toBe('amount.value');
    }
    expect(problemOf(() => readAmount({ currency: 'JPY', value: '500.00' })).status).toBe(422);
  });

  it('refuses iDEAL for a currency other than EUR, naming method', () => {
    const problem = problemOf(() =>
      create(new FakeMollieStore(), { method: 'ideal', amount: { currency: 'GBP', value: '1.00' } }),
    );
    expect(problem).toMatchObject({ status: 422, field: 'method' });
  });

  it('lets only an open payment be completed or canceled', () => {
    const store = new FakeMollieStore();
    const payment = create(store);
    expect(store.complete(payment.id, 'paid')).toMatchObject({ status: 'paid', isCancelable: false });
    expect(problemOf(() => store.complete(payment.id, 'failed')).status).toBe(422);
    expect(problemOf(() => store.cancel(payment.id)).status).toBe(422);
    const other = create(store);
    expect(store.cancel(other.id).status).toBe('canceled');
  });

  it('refunds no more than what remains, and gives a failed refund back', () => {
    const store = new FakeMollieStore();
    const payment = create(store);
    store.complete(payment.id, 'paid');
    const refund = store.createRefund(payment.id, { amount: { currency: 'EUR', value: '6.00' } });
    expect(store.payment(payment.id).amountRemaining).toEqual({ currency: 'EUR', value: '4.00' });
    expect(
      problemOf(() => store.createRefund(payment.id, { amount: { currency: 'EUR', value: '4.01' } })).field,
    ).toBe('amount.value');
    store.settleRefund(refund.id, 'failed');
    expect(store.payment(payment.id).amountRemaining).toEqual({ currency: 'EUR', value: '10.00' });
    expect(store.payment(payment.id).amountRefunded).toEqual({ currency: 'EUR', value: '0.00' });
  });
});
