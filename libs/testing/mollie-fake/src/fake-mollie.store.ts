import { randomBytes } from 'node:crypto';
import {
  type CheckoutOutcome,
  type FakeMolliePayment,
  type FakeMollieRefund,
  type MollieAmount,
} from './fake-mollie.model';
import { unprocessable, notFound } from './mollie-api.error';

/** Methods the fake offers, with the currencies Mollie accepts for each. */
const METHODS: Record<string, readonly string[] | null> = {
  ideal: ['EUR'],
  bancontact: ['EUR'],
  creditcard: null,
};

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Mollie-like ids: a prefix and ten alphanumerics (`tr_WDqYK6vllg`). */
export function mollieId(prefix: 'tr' | 're'): string {
  const bytes = randomBytes(10);
  return `${prefix}_${Array.from(bytes, (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('')}`;
}

export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Reads an amount as Mollie validates it: exactly the currency's decimals, positive. Minor units. */
export function readAmount(value: unknown, field = 'amount'): { amount: MollieAmount; units: number } {
  const amount = value as Partial<MollieAmount> | undefined;
  if (typeof amount?.currency !== 'string' || !/^[A-Z]{3}$/.test(amount.currency)) {
    throw unprocessable('The amount currency is invalid', `${field}.currency`);
  }
  const digits = currencyDigits(amount.currency);
  const pattern = digits === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${digits}}$`);
  if (typeof amount.value !== 'string' || !pattern.test(amount.value)) {
    throw unprocessable(
      `The amount contains an invalid value: ${amount.currency} takes ${digits} decimals`,
      `${field}.value`,
    );
  }
  const units = Number(amount.value.replace('.', ''));
  if (units <= 0) {
    throw unprocessable('The amount must be positive', `${field}.value`);
  }
  return { amount: { currency: amount.currency, value: amount.value }, units };
}

function formatUnits(units: number, currency: string): MollieAmount {
  const digits = currencyDigits(currency);
  const padded = String(units).padStart(digits + 1, '0');
  const whole = padded.slice(0, padded.length - digits);
  return { currency, value: digits === 0 ? whole : `${whole}.${padded.slice(padded.length - digits)}` };
}

function unitsOf(amount: MollieAmount): number {
  return Number(amount.value.replace('.', ''));
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') {
    return false;
  }
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The fake's payments and refunds, with Mollie's rules for what may happen to them. */
export class FakeMollieStore {
  private readonly payments = new Map<string, FakeMolliePayment>();
  private readonly refunds = new Map<string, FakeMollieRefund>();

  createPayment(body: Record<string, unknown>, mode: 'test' | 'live'): FakeMolliePayment {
    const { amount } = readAmount(body['amount']);
    const description = body['description'];
    if (typeof description !== 'string' || description.trim() === '') {
      throw unprocessable('The description is invalid', 'description');
    }
    if (!isHttpUrl(body['redirectUrl'])) {
      throw unprocessable('The redirect URL is invalid', 'redirectUrl');
    }
    if (body['webhookUrl'] !== undefined && !isHttpUrl(body['webhookUrl'])) {
      throw unprocessable('The webhook URL is invalid', 'webhookUrl');
    }
    const method = body['method'];
    if (method !== undefined && method !== null) {
      if (typeof method !== 'string' || !(method in METHODS)) {
        throw unprocessable(`The payment method is invalid: ${String(method)}`, 'method');
      }
      const currencies = METHODS[method];
      if (currencies && !currencies.includes(amount.currency)) {
        throw unprocessable(`The payment method ${method} does not support ${amount.currency}`, 'method');
      }
    }
    const now = new Date();
    const payment: FakeMolliePayment = {
      resource: 'payment',
      id: mollieId('tr'),
      mode,
      createdAt: now.toISOString(),
      status: 'open',
      isCancelable: true,
      amount,
      amountRefunded: formatUnits(0, amount.currency),
      amountRemaining: amount,
      description,
      method: typeof method === 'string' ? method : null,
      metadata: body['metadata'] ?? null,
      profileId: 'pfl_fakeRentGuy',
      sequenceType: 'oneoff',
      redirectUrl: body['redirectUrl'] as string,
      ...(typeof body['webhookUrl'] === 'string' && { webhookUrl: body['webhookUrl'] }),
      expiresAt: new Date(now.getTime() + 15 * 60_000).toISOString(),
    };
    this.payments.set(payment.id, payment);
    return structuredClone(payment);
  }

  payment(id: string): FakeMolliePayment {
    const payment = this.payments.get(id);
    if (!payment) {
      throw notFound(`No payment exists with token ${id}.`);
    }
    return payment;
  }

  refundsOf(paymentId: string): FakeMollieRefund[] {
    return [...this.refunds.values()].filter((r) => r.paymentId === paymentId).map((r) => structuredClone(r));
  }

  /** What a person chose at checkout; only an open payment can still be completed. */
  complete(id: string, outcome: CheckoutOutcome): FakeMolliePayment {
    const payment = this.payment(id);
    if (payment.status !== 'open') {
      throw unprocessable(`The payment is ${payment.status}, it can no longer be completed`);
    }
    const at = new Date().toISOString();
    payment.status = outcome;
    payment.isCancelable = false;
    delete payment.expiresAt;
    payment.method ??= 'ideal';
    switch (outcome) {
      case 'paid':
        payment.paidAt = at;
        break;
      case 'failed':
        payment.failedAt = at;
        payment.details = { failureReason: 'authentication_failed' };
        break;
      case 'canceled':
        payment.canceledAt = at;
        break;
      case 'expired':
        payment.expiredAt = at;
        break;
    }
    return structuredClone(payment);
  }

  cancel(id: string): FakeMolliePayment {
    const payment = this.payment(id);
    if (!payment.isCancelable) {
      throw unprocessable(`The payment cannot be canceled: it is ${payment.status}`);
    }
    payment.status = 'canceled';
    payment.isCancelable = false;
    payment.canceledAt = new Date().toISOString();
    delete payment.expiresAt;
    return structuredClone(payment);
  }

  createRefund(paymentId: string, body: Record<string, unknown>): FakeMollieRefund {
    const payment = this.payment(paymentId);
    if (payment.status !== 'paid') {
      throw unprocessable(`The payment is ${payment.status}; only a paid payment can be refunded`);
    }
    const { amount, units } = readAmount(body['amount']);
    if (amount.currency !== payment.amount.currency) {
      throw unprocessable('The refund currency differs from the payment currency', 'amount.currency');
    }
    if (units > unitsOf(payment.amountRemaining)) {
      throw unprocessable(
        `The refund amount is higher than the remaining amount ${payment.amountRemaining.value}`,
        'amount.value',
      );
    }
    const refund: FakeMollieRefund = {
      resource: 'refund',
      id: mollieId('re'),
      amount,
      status: 'pending',
      description: typeof body['description'] === 'string' ? body['description'] : '',
      metadata: body['metadata'] ?? null,
      paymentId,
      createdAt: new Date().toISOString(),
    };
    payment.amountRemaining = formatUnits(unitsOf(payment.amountRemaining) - units, amount.currency);
    payment.amountRefunded = formatUnits(unitsOf(payment.amountRefunded) + units, amount.currency);
    this.refunds.set(refund.id, refund);
    return structuredClone(refund);
  }

  refund(paymentId: string, refundId: string): FakeMollieRefund {
    const refund = this.refunds.get(refundId);
    if (!refund || refund.paymentId !== paymentId) {
      throw notFound(`No refund exists with token ${refundId}.`);
    }
    return structuredClone(refund);
  }

  /** Settles a pending refund (the money left, or it could not): Mollie then pings the payment's webhook. */
  settleRefund(refundId: string, status: 'refunded' | 'failed'): FakeMollieRefund {
    const refund = this.refunds.get(refundId);
    if (!refund) {
      throw notFound(`No refund exists with token ${refundId}.`);
    }
    refund.status = status;
    if (status === 'failed') {
      const payment = this.payment(refund.paymentId);
      const units = unitsOf(refund.amount);
      payment.amountRemaining = formatUnits(unitsOf(payment.amountRemaining) + units, refund.amount.currency);
      payment.amountRefunded = formatUnits(unitsOf(payment.amountRefunded) - units, refund.amount.currency);
    }
    return structuredClone(refund);
  }

  allPayments(): FakeMolliePayment[] {
    return [...this.payments.values()].map((p) => structuredClone(p));
  }

  allRefunds(): FakeMollieRefund[] {
    return [...this.refunds.values()].map((r) => structuredClone(r));
  }

  reset(): void {
    this.payments.clear();
    this.refunds.clear();
  }
}
