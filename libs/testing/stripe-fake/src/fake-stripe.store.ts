import type Stripe from 'stripe';

import type { FakeCharge } from './fake-stripe.model';
import type { FormParams } from './form-params.parser';
import { formatAmount } from './money-format.util';
import {
  assertKnownParams,
  readBoolean,
  readEnum,
  readHash,
  readInteger,
  readMetadata,
  readString,
  readStringArray,
  requireString,
} from './request-params.reader';
import {
  invalidRequest,
  resourceMissing,
  stateError,
  StripeApiError,
  unsupportedByFake,
} from './stripe-api.error';
import { clientSecretFor, stripeId } from './stripe-id.util';

/** How a failed payment is described in `last_payment_error`. */
export interface PaymentFailure {
  /** `card_declined` by default. */
  code?: string;
  /** `generic_decline` by default. */
  declineCode?: string;
  /** `Your card was declined.` by default. */
  message?: string;
}

/** Statuses from which a customer can still pay, so the fake may succeed or fail the intent. */
const payableStatuses: readonly Stripe.PaymentIntent.Status[] = [
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
  'processing',
];

const cancelableStatuses: readonly Stripe.PaymentIntent.Status[] = [...payableStatuses, 'requires_capture'];

/**
 * Stripe's minimum charge amounts for the currencies RentGuy is likely to use; other currencies
 * only need a positive amount here (Stripe's real minimums depend on conversion to the account's currency).
 */
const minimumAmounts: Readonly<Record<string, number>> = {
  eur: 50,
  usd: 50,
  gbp: 30,
  chf: 50,
  cad: 50,
  aud: 50,
  jpy: 50,
};
const maximumAmount = 99_999_999;

const paymentIntentCreateParams = [
  'amount',
  'currency',
  'metadata',
  'description',
  'allowed_payment_method_types',
  'automatic_payment_methods',
  'receipt_email',
  'statement_descriptor_suffix',
  'capture_method',
  'customer',
];

/** Parameters Stripe accepts on create that would change behaviour the fake does not model. */
const paymentIntentCreateUnsupported = [
  'application_fee_amount',
  'confirm',
  'confirmation_method',
  'error_on_requires_action',
  'excluded_payment_method_types',
  'expand',
  'mandate',
  'mandate_data',
  'off_session',
  'on_behalf_of',
  'payment_method',
  'payment_method_configuration',
  'payment_method_data',
  'payment_method_options',
  'radar_options',
  'return_url',
  'setup_future_usage',
  'shipping',
  'statement_descriptor',
  'transfer_data',
  'transfer_group',
  'use_stripe_sdk',
];

/** In-memory Stripe account: the objects and the rules of the endpoints the platform uses. */
export class FakeStripeStore {
  private readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
  private readonly charges = new Map<string, FakeCharge>();
  private readonly refunds = new Map<string, Stripe.Refund>();

  createPaymentIntent(params: FormParams): Stripe.PaymentIntent {
    assertKnownParams(params, paymentIntentCreateParams, paymentIntentCreateUnsupported);
    const amount = readInteger(params, 'amount');
    if (amount === undefined) {
      throw invalidRequest('Missing required param: amount.', 'amount', 'parameter_missing');
    }
    const currency = requireString(params, 'currency').toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) {
      throw invalidRequest(
        `Invalid currency: ${currency}. Use a three-letter ISO currency code.`,
        'currency',
        'parameter_invalid_string',
      );
    }
    validateAmount(amount, currency);
    const customer = readString(params, 'customer');
    if (customer) {
      // The fake has no customers, so any customer id is one Stripe would not find either.
      throw resourceMissing('customer', customer, 'customer');
    }
    const captureMethod = readEnum(params, 'capture_method', ['automatic', 'automatic_async', 'manual']);
    if (captureMethod === 'manual') {
      throw unsupportedByFake('capture_method');
    }

    // Since API version 2026-10-28 a PaymentIntent takes `allowed_payment_method_types`; the older
    // `payment_method_types` param is unknown (it survives only as the response's computed list).
    const paymentMethodTypes = readStringArray(params, 'allowed_payment_method_types');
    const automaticHash = readHash(params, 'automatic_payment_methods');
    if (paymentMethodTypes && automaticHash) {
      throw invalidRequest(
        'You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods.',
        'automatic_payment_methods',
      );
    }
    if (paymentMethodTypes && paymentMethodTypes.length === 0) {
      throw invalidRequest('Invalid array', 'allowed_payment_method_types');
    }
    let automaticPaymentMethods: Stripe.PaymentIntent.AutomaticPaymentMethods | null = null;
    if (automaticHash) {
      assertKnownParams(automaticHash, ['enabled', 'allow_redirects']);
      const enabled = readBoolean(automaticHash, 'enabled', 'automatic_payment_methods[enabled]');
      if (enabled === undefined) {
        throw invalidRequest(
          'Missing required param: automatic_payment_methods[enabled].',
          'automatic_payment_methods[enabled]',
          'parameter_missing',
        );
      }
      const allowRedirects = readEnum(automaticHash, 'allow_redirects', ['always', 'never']);
      automaticPaymentMethods = { enabled, ...(allowRedirects ? { allow_redirects: allowRedirects } : {}) };
    } else if (!paymentMethodTypes) {
      // Since API version 2023-08-16 Stripe turns automatic payment methods on when neither is given.
      automaticPaymentMethods = { enabled: true };
    }
    if (automaticPaymentMethods && !automaticPaymentMethods.enabled && !paymentMethodTypes) {
      throw invalidRequest(
        'Missing required param: allowed_payment_method_types.',
        'allowed_payment_method_types',
        'parameter_missing',
      );
    }

    const id = stripeId('pi');
    const paymentIntent: Stripe.PaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: paymentMethodTypes
        ? (paymentMethodTypes as Stripe.PaymentIntent.AllowedPaymentMethodType[])
        : null,
      amount,
      amount_capturable: 0,
      amount_received: 0,
      application: null,
      application_fee_amount: null,
      automatic_payment_methods: automaticPaymentMethods,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: captureMethod ?? 'automatic_async',
      client_secret: clientSecretFor(id),
      confirmation_method: 'automatic',
      created: nowSeconds(),
      currency,
      customer: null,
      customer_account: null,
      description: readString(params, 'description') || null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      managed_payments: null,
      metadata: readMetadata(params),
      next_action: null,
      on_behalf_of: null,
      payment_method: null,
      payment_method_configuration_details: null,
      payment_method_options: null,
      payment_method_types: paymentMethodTypes ?? ['card'],
      payment_record: null,
      processing: null,
      receipt_email: readString(params, 'receipt_email') || null,
      review: null,
      setup_future_usage: null,
      shipping: null,
      source: null,
      statement_descriptor: null,
      statement_descriptor_suffix: readString(params, 'statement_descriptor_suffix') || null,
      status: 'requires_payment_method',
      transfer_data: null,
      transfer_group: null,
    };
    this.paymentIntents.set(id, paymentIntent);
    return structuredClone(paymentIntent);
  }

  retrievePaymentIntent(id: string, param = 'intent'): Stripe.PaymentIntent {
    return structuredClone(this.paymentIntent(id, param));
  }

  listPaymentIntents(params: FormParams): {
    object: 'list';
    data: Stripe.PaymentIntent[];
    has_more: boolean;
    url: string;
  } {
    assertKnownParams(
      params,
      ['limit', 'starting_after'],
      ['customer', 'created', 'ending_before', 'expand'],
    );
    const limit = readInteger(params, 'limit') ?? 10;
    if (limit < 1 || limit > 100) {
      throw invalidRequest('Invalid limit: must be between 1 and 100', 'limit');
    }
    let newestFirst = [...this.paymentIntents.values()].reverse();
    const startingAfter = readString(params, 'starting_after');
    if (startingAfter) {
      const index = newestFirst.findIndex((paymentIntent) => paymentIntent.id === startingAfter);
      if (index < 0) {
        throw resourceMissing('payment_intent', startingAfter, 'starting_after');
      }
      newestFirst = newestFirst.slice(index + 1);
    }
    return {
      object: 'list',
      data: structuredClone(newestFirst.slice(0, limit)),
      has_more: newestFirst.length > limit,
      url: '/v1/payment_intents',
    };
  }

  cancelPaymentIntent(id: string, params: FormParams): Stripe.PaymentIntent {
    assertKnownParams(params, ['cancellation_reason'], ['expand']);
    const paymentIntent = this.paymentIntent(id);
    const reason = readEnum(params, 'cancellation_reason', [
      'duplicate',
      'fraudulent',
      'requested_by_customer',
      'abandoned',
    ]);
    if (!cancelableStatuses.includes(paymentIntent.status)) {
      throw stateError(
        `You cannot cancel this PaymentIntent because it has a status of ${paymentIntent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancelableStatuses.join(', ')}.`,
        'payment_intent_unexpected_state',
      );
    }
    paymentIntent.status = 'canceled';
    paymentIntent.canceled_at = nowSeconds();
    paymentIntent.cancellation_reason = reason ?? null;
    return structuredClone(paymentIntent);
  }

  /** What paying does: a succeeded charge for the full amount, and the intent marked succeeded. */
  succeedPaymentIntent(id: string): { paymentIntent: Stripe.PaymentIntent; charge: FakeCharge } {
    const paymentIntent = this.payable(id, 'succeed');
    const paymentMethod = stripeId('pm');
    const charge: FakeCharge = {
      id: stripeId('ch'),
      object: 'charge',
      amount: paymentIntent.amount,
      amount_captured: paymentIntent.amount,
      amount_refunded: 0,
      balance_transaction: stripeId('txn'),
      captured: true,
      created: nowSeconds(),
      currency: paymentIntent.currency,
      description: paymentIntent.description,
      livemode: false,
      metadata: { ...paymentIntent.metadata },
      paid: true,
      payment_intent: paymentIntent.id,
      payment_method: paymentMethod,
      refunded: false,
      status: 'succeeded',
    };
    this.charges.set(charge.id, charge);
    Object.assign(paymentIntent, {
      status: 'succeeded',
      amount_received: paymentIntent.amount,
      latest_charge: charge.id,
      payment_method: paymentMethod,
      last_payment_error: null,
    } satisfies Partial<Stripe.PaymentIntent>);
    return { paymentIntent: structuredClone(paymentIntent), charge: structuredClone(charge) };
  }

  /** What a declined card does: the intent goes back to `requires_payment_method` with the reason. */
  failPaymentIntent(id: string, failure: PaymentFailure = {}): Stripe.PaymentIntent {
    const paymentIntent = this.payable(id, 'fail');
    const code = failure.code ?? 'card_declined';
    paymentIntent.status = 'requires_payment_method';
    paymentIntent.last_payment_error = {
      type: 'card_error',
      code: code as Stripe.PaymentIntent.LastPaymentError.Code,
      decline_code: failure.declineCode ?? 'generic_decline',
      message: failure.message ?? 'Your card was declined.',
      doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
      payment_method_type: 'card',
    };
    return structuredClone(paymentIntent);
  }

  createRefund(params: FormParams): { refund: Stripe.Refund; charge: FakeCharge } {
    assertKnownParams(
      params,
      ['payment_intent', 'charge', 'amount', 'metadata', 'reason'],
      ['expand', 'instructions_email', 'origin', 'refund_application_fee', 'reverse_transfer', 'customer'],
    );
    const paymentIntentId = readString(params, 'payment_intent');
    const chargeId = readString(params, 'charge');
    if (!paymentIntentId && !chargeId) {
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
        'payment_intent',
        'parameter_missing',
      );
    }
    const amountParam = readInteger(params, 'amount');
    if (amountParam !== undefined && amountParam < 1) {
      throw invalidRequest('Invalid positive integer', 'amount', 'parameter_invalid_integer');
    }
    const reason = readEnum(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer']);
    const metadata = readMetadata(params);

    let charge: FakeCharge | undefined;
    if (paymentIntentId) {
      const paymentIntent = this.paymentIntent(paymentIntentId, 'payment_intent');
      charge =
        typeof paymentIntent.latest_charge === 'string'
          ? this.charges.get(paymentIntent.latest_charge)
          : undefined;
      if (!charge) {
        throw stateError(
          `This PaymentIntent (${paymentIntentId}) does not have a successful charge to refund.`,
          'charge_not_refundable',
          'payment_intent',
        );
      }
      if (chargeId && chargeId !== charge.id) {
        throw invalidRequest(
          `The charge ${chargeId} does not belong to PaymentIntent ${paymentIntentId}.`,
          'charge',
        );
      }
    } else if (chargeId) {
      charge = this.charges.get(chargeId);
      if (!charge) {
        throw resourceMissing('charge', chargeId, 'charge');
      }
    }
    if (!charge) {
      throw new StripeApiError(500, { type: 'api_error', message: 'Fake Stripe: refund without a charge' });
    }
    const unrefunded = charge.amount - charge.amount_refunded;
    if (unrefunded === 0) {
      throw stateError(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
    }
    const amount = amountParam ?? unrefunded;
    if (amount > unrefunded) {
      throw stateError(
        `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(unrefunded, charge.currency)})`,
        'amount_too_large',
        'amount',
      );
    }

    const refund: Stripe.Refund = {
      id: stripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: stripeId('txn'),
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      customer: null,
      customer_account: null,
      metadata,
      payment_intent: charge.payment_intent,
      payment_method: null,
      reason: reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    return { refund: structuredClone(refund), charge: structuredClone(charge) };
  }

  retrieveRefund(id: string): Stripe.Refund {
    const refund = this.refunds.get(id);
    if (!refund) {
      throw resourceMissing('refund', id, 'refund');
    }
    return structuredClone(refund);
  }

  allPaymentIntents(): Stripe.PaymentIntent[] {
    return structuredClone([...this.paymentIntents.values()]);
  }

  allRefunds(): Stripe.Refund[] {
    return structuredClone([...this.refunds.values()]);
  }

  isPayable(id: string): boolean {
    const paymentIntent = this.paymentIntents.get(id);
    return paymentIntent !== undefined && payableStatuses.includes(paymentIntent.status);
  }

  reset(): void {
    this.paymentIntents.clear();
    this.charges.clear();
    this.refunds.clear();
  }

  private paymentIntent(id: string, param = 'intent'): Stripe.PaymentIntent {
    const paymentIntent = this.paymentIntents.get(id);
    if (!paymentIntent) {
      throw resourceMissing('payment_intent', id, param);
    }
    return paymentIntent;
  }

  private payable(id: string, action: 'fail' | 'succeed'): Stripe.PaymentIntent {
    const paymentIntent = this.paymentIntent(id);
    if (!payableStatuses.includes(paymentIntent.status)) {
      throw stateError(
        `Fake Stripe cannot ${action} PaymentIntent ${id}: its status is ${paymentIntent.status}, not one of ${payableStatuses.join(', ')}.`,
        'payment_intent_unexpected_state',
      );
    }
    return paymentIntent;
  }
}

function validateAmount(amount: number, currency: string): void {
  const minimum = minimumAmounts[currency] ?? 1;
  if (amount < minimum) {
    throw invalidRequest(
      minimum > 1
        ? `Amount must be at least ${formatAmount(minimum, currency)} ${currency}`
        : 'This value must be greater than or equal to 1.',
      'amount',
      'amount_too_small',
    );
  }
  if (amount > maximumAmount) {
    throw invalidRequest(
      `Amount must be no more than ${formatAmount(maximumAmount, currency)}`,
      'amount',
      'amount_too_large',
    );
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
