/** Mollie's amount: upper-case currency, value with exactly the currency's decimals. */
export interface MollieAmount {
  currency: string;
  value: string;
}

export type FakeMolliePaymentStatus =
  'open' | 'pending' | 'authorized' | 'paid' | 'canceled' | 'expired' | 'failed';

/** The outcomes a person can choose on the fake's checkout page. */
export const CHECKOUT_OUTCOMES = ['paid', 'failed', 'canceled', 'expired'] as const;
export type CheckoutOutcome = (typeof CHECKOUT_OUTCOMES)[number];

export interface FakeMollieRefund {
  resource: 'refund';
  id: string;
  amount: MollieAmount;
  status: 'queued' | 'pending' | 'processing' | 'refunded' | 'failed' | 'canceled';
  description: string;
  metadata: unknown;
  paymentId: string;
  createdAt: string;
}

export interface FakeMolliePayment {
  resource: 'payment';
  id: string;
  mode: 'test' | 'live';
  createdAt: string;
  status: FakeMolliePaymentStatus;
  isCancelable: boolean;
  amount: MollieAmount;
  amountRefunded: MollieAmount;
  amountRemaining: MollieAmount;
  description: string;
  method: string | null;
  metadata: unknown;
  locale?: string;
  profileId: string;
  sequenceType: 'oneoff';
  redirectUrl: string;
  webhookUrl?: string;
  expiresAt?: string;
  paidAt?: string;
  canceledAt?: string;
  expiredAt?: string;
  failedAt?: string;
  details?: { failureReason?: string };
}

/** One API request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The parsed JSON body of a POST. */
  body: unknown;
  status?: number;
  idempotentReplayed?: boolean;
}

/** One try to deliver a ping to a webhook URL. */
export interface PingDelivery {
  paymentId: string;
  url: string;
  attempt: number;
  /** The HTTP status the endpoint answered, or null when it could not be reached. */
  status: number | null;
  error?: string;
  at: string;
}
