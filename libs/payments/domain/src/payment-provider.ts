import type { PaymentMethodChoice, PaymentProviderName, PaymentStatus } from './payment-status';

export interface CreateProviderPayment {
  /** Our payment id: also the idempotency key, so a retried create never charges twice. */
  paymentId: string;
  bookingId: string;
  amount: number;
  currency: string;
  /** The method the guest picked, for providers that offer a choice (Mollie); the provider's choice when absent. */
  method?: PaymentMethodChoice;
}

/** A provider's view of one payment, in our vocabulary. */
export interface ProviderPayment {
  providerPaymentId: string;
  status: PaymentStatus;
  /** What the frontend needs to complete the payment; never stored. */
  clientSecret: string | null;
  /** Where the guest completes the payment at a hosted checkout (Mollie); null when the provider has none (Stripe). */
  checkoutUrl: string | null;
  failureReason: string | null;
  /** Minor units the provider charges (or charged), and its ISO currency in upper case. */
  amount: number;
  currency: string;
}

export interface CreateProviderRefund {
  /** Our refund id: also the idempotency key, and echoed in the refund's metadata. */
  refundId: string;
  providerPaymentId: string;
  /** Minor units; the whole payment when omitted. */
  amount?: number;
}

/** A refund as the provider reports it; `pending` is anything not final yet. */
export interface ProviderRefund {
  providerRefundId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  /** Our refund id, when the provider echoes our metadata back. */
  refundId?: string | null;
  failureReason?: string | null;
}

/** A verified webhook delivery, as stored in the webhook inbox. */
export interface WebhookDelivery {
  eventId: string;
  type: string;
  payload: Record<string, unknown>;
}

/** What a webhook event says about one of our payments. */
export interface PaymentUpdate {
  providerPaymentId: string;
  /** Our payment id when the provider echoes it back (metadata), which may arrive before we stored the provider id. */
  paymentId: string | null;
  status: PaymentStatus;
  failureReason: string | null;
  /** What the provider says it charges, when the news carries it; a success for another sum is not ours to accept. */
  amount: number | null;
  currency: string | null;
  /**
   * What identifies this news when it was fetched rather than delivered (Mollie pings carry only an
   * id, so every ping is fetched): the same fetched state is applied once, however many pings led to it.
   */
  newsId?: string;
}

/**
 * What one stored webhook event says: about a payment, about refunds, or both (a fetched Mollie
 * payment embeds its refunds, and its `newsId` covers them).
 */
export interface ProviderNews {
  payment: PaymentUpdate | null;
  refunds: ProviderRefund[];
  /** A provider payment id whose refunds still requested should be fetched again (Stripe's `charge.refunded`). */
  recheckRefundsOf?: string;
}

/**
 * One payment provider (Stripe, Mollie). Every method that makes the provider do
 * something carries an idempotency key derived from our own ids.
 */
export interface PaymentProvider {
  readonly name: PaymentProviderName;
  create(request: CreateProviderPayment): Promise<ProviderPayment>;
  fetchStatus(providerPaymentId: string): Promise<ProviderPayment>;
  /**
   * Cancels a payment nobody may complete any more (idempotency key derived from `paymentId`).
   * A payment the provider can no longer cancel (already succeeded or canceled) is returned as it is.
   */
  cancel(providerPaymentId: string, paymentId: string): Promise<ProviderPayment>;
  refund(request: CreateProviderRefund): Promise<ProviderRefund>;
  /** The refund's state now (reconciliation of refunds still `requested`). */
  fetchRefund(providerPaymentId: string, providerRefundId: string): Promise<ProviderRefund>;
  /**
   * Verifies a delivery before anything is stored; throws DomainError(InvalidSignature) when it is
   * not genuine. A provider whose deliveries are unsigned pings (Mollie) checks their shape only and
   * learns the news in `newsOf`, by asking the provider.
   */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): WebhookDelivery;
  /** The payment and refund news in a stored event; nothing when the event type is not one we act on. */
  newsOf(event: WebhookDelivery): Promise<ProviderNews>;
}
