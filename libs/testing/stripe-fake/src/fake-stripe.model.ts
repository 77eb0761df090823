/** One API request the fake received, for assertions such as "the adapter sent an idempotency key". */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/payment_intents`. */
  path: string;
  /** The `Idempotency-Key` header, or null. The SDK adds `stripe-node-retry-<uuid>` to every POST on its own. */
  idempotencyKey: string | null;
  /** The `Stripe-Version` header the client sent, or null. */
  stripeVersion: string | null;
  /** The `Request-Id` the fake answered with. */
  requestId: string;
  /** The response status, set once the response is written. */
  status?: number;
  /** True when the response was replayed from an earlier request with the same idempotency key. */
  idempotentReplayed?: boolean;
}

/** One attempt to deliver one event to the webhook URL. */
export interface WebhookDelivery {
  eventId: string;
  eventType: string;
  /** 1 for the first try; retries and redeliveries count on from there. */
  attempt: number;
  url: string;
  /** HTTP status of the endpoint's answer, or null when no answer came (refused, reset, timed out). */
  status: number | null;
  /** Whether the endpoint answered 2xx, which is what Stripe counts as delivered. */
  ok: boolean;
  error?: string;
  /** Set for attempts started by `redeliver()`. */
  redelivery: boolean;
  sentAt: Date;
  durationMs: number;
}

/** A Stripe event as delivered to webhook endpoints (the `Stripe.Event` wire shape). */
export interface FakeStripeEvent<TObject extends object = object> {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: TObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/**
 * The charge behind a succeeded PaymentIntent. Only what `charge.refunded` consumers read:
 * Stripe's full Charge has dozens more fields that the fake does not model.
 */
export interface FakeCharge {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string;
  captured: boolean;
  created: number;
  currency: string;
  description: string | null;
  livemode: false;
  metadata: Record<string, string>;
  paid: boolean;
  payment_intent: string;
  payment_method: string;
  refunded: boolean;
  status: 'succeeded';
}
