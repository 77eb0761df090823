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
  /** Our refund id: also the idempotency key. */
  refundId: string;
  providerPaymentId: string;
  /** Minor units; the whole payment when omitted. */
  amount?: number;
}

export interface ProviderRefund {
  providerRefundId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
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
  /**
   * Verifies a delivery before anything is stored; throws DomainError(InvalidSignature) when it is
   * not genuine. A provider whose deliveries are unsigned pings (Mollie) checks their shape only and
   * learns the news in `paymentUpdateOf`, by asking the provider.
   */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): WebhookDelivery;
  /** The payment news in a stored event, or null when the event type is not one we act on. */
  paymentUpdateOf(event: WebhookDelivery): Promise<PaymentUpdate | null>;
}
