import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import type {
  CreateProviderPayment,
  CreateProviderRefund,
  PaymentProvider,
  PaymentUpdate,
  ProviderNews,
  ProviderPayment,
  ProviderRefund,
  WebhookDelivery,
  PaymentStatus,
} from '@rentguy/payments/domain';
import { paymentsDataAccessConfig } from './payments-data-access.config';

/** Stripe's signature tolerance: a replayed delivery older than this is refused. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Stripe PaymentIntent statuses in our vocabulary: everything not final is still pending. */
export function paymentStatusOfIntent(status: Stripe.PaymentIntent.Status): PaymentStatus {
  switch (status) {
    case 'requires_payment_method':
    case 'requires_confirmation':
    case 'requires_action':
    case 'requires_capture':
    case 'processing':
      return 'pending';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    default:
      // A status newer than this adapter is not final for us: reconciliation keeps asking.
      return 'pending';
  }
}

const EVENT_STATUS: Record<string, PaymentStatus> = {
  'payment_intent.succeeded': 'succeeded',
  'payment_intent.payment_failed': 'failed',
  'payment_intent.canceled': 'canceled',
};

const intentEventSchema = z.object({
  data: z.object({
    object: z.object({
      id: z.string().min(1),
      amount: z.number().int().nullish(),
      amount_received: z.number().int().nullish(),
      currency: z.string().nullish(),
      metadata: z.record(z.string(), z.string()).nullish(),
      last_payment_error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).nullish(),
      cancellation_reason: z.string().nullish(),
    }),
  }),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The payment news of a stored Stripe event, or null for event types we do not act on. */
export function paymentUpdateOfStripeEvent(event: WebhookDelivery): PaymentUpdate | null {
  const status = EVENT_STATUS[event.type];
  if (!status) {
    return null;
  }
  const intent = intentEventSchema.parse(event.payload).data.object;
  const paymentId = intent.metadata?.['paymentId'];
  let failureReason: string | null = null;
  if (status === 'failed') {
    failureReason = intent.last_payment_error?.message ?? intent.last_payment_error?.code ?? 'payment_failed';
  } else if (status === 'canceled') {
    failureReason = intent.cancellation_reason ?? 'canceled';
  }
  return {
    providerPaymentId: intent.id,
    paymentId: paymentId && UUID.test(paymentId) ? paymentId : null,
    status,
    failureReason,
    // A success is checked against what was actually collected, not what was asked for.
    amount: (status === 'succeeded' ? intent.amount_received : undefined) ?? intent.amount ?? null,
    currency: intent.currency ? intent.currency.toUpperCase() : null,
  };
}

const REFUND_EVENT_TYPES = new Set(['refund.created', 'refund.updated', 'refund.failed']);

const refundObjectSchema = z.object({
  id: z.string().min(1),
  status: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  failure_reason: z.string().nullish(),
});

/** A Stripe Refund in our vocabulary (`requires_action` and anything unknown are still pending). */
export function providerRefundOfStripe(refund: z.infer<typeof refundObjectSchema>): ProviderRefund {
  const status =
    refund.status === 'succeeded' || refund.status === 'failed' || refund.status === 'canceled'
      ? refund.status
      : 'pending';
  const refundId = refund.metadata?.['refundId'];
  return {
    providerRefundId: refund.id,
    status,
    refundId: refundId && UUID.test(refundId) ? refundId : null,
    failureReason: refund.failure_reason ?? (status === 'pending' || status === 'succeeded' ? null : status),
  };
}

/**
 * The news of a stored Stripe event: a PaymentIntent's status, or a refund's. `charge.refunded`
 * names the intent only (its refunds are not embedded in current API versions), so its refunds
 * still requested are fetched again (`recheckRefundsOf`).
 */
export function newsOfStripeEvent(event: WebhookDelivery): ProviderNews {
  if (REFUND_EVENT_TYPES.has(event.type)) {
    const refund = z.object({ data: z.object({ object: refundObjectSchema }) }).parse(event.payload)
      .data.object;
    return { payment: null, refunds: [providerRefundOfStripe(refund)] };
  }
  if (event.type === 'charge.refunded') {
    const charge = z
      .object({ data: z.object({ object: z.object({ payment_intent: z.string().nullish() }) }) })
      .parse(event.payload).data.object;
    return {
      payment: null,
      refunds: [],
      ...(charge.payment_intent ? { recheckRefundsOf: charge.payment_intent } : {}),
    };
  }
  return { payment: paymentUpdateOfStripeEvent(event), refunds: [] };
}

/** The idempotency key of canceling our payment's intent: one cancel per payment, whoever asks. */
export function cancelIdempotencyKeyOf(paymentId: string): string {
  return `${paymentId}:cancel`;
}

/** The Stripe adapter: the only code that talks to Stripe, through the official SDK. */
@Injectable()
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  private readonly logger = new Logger(StripePaymentProvider.name);
  private readonly stripe: Stripe;

  constructor(
    @InjectConfig(paymentsDataAccessConfig)
    private readonly config: ConfigOf<typeof paymentsDataAccessConfig>,
  ) {
    this.stripe = new Stripe(config.STRIPE_SECRET_KEY, {
      maxNetworkRetries: 2,
      timeout: config.STRIPE_TIMEOUT_MS,
      telemetry: false,
      ...apiEndpointOf(config.STRIPE_API_BASE_URL),
    });
  }

  async create(request: CreateProviderPayment): Promise<ProviderPayment> {
    const intent = await this.call('create payment intent', () =>
      this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency.toLowerCase(),
          metadata: { paymentId: request.paymentId, bookingId: request.bookingId },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: request.paymentId },
      ),
    );
    return providerPaymentOf(intent);
  }

  async fetchStatus(providerPaymentId: string): Promise<ProviderPayment> {
    const intent = await this.call('retrieve payment intent', () =>
      this.stripe.paymentIntents.retrieve(providerPaymentId),
    );
    return providerPaymentOf(intent);
  }

  async cancel(providerPaymentId: string, paymentId: string): Promise<ProviderPayment> {
    const canceled = await this.call('cancel payment intent', () =>
      this.stripe.paymentIntents
        .cancel(
          providerPaymentId,
          { cancellation_reason: 'abandoned' },
          { idempotencyKey: cancelIdempotencyKeyOf(paymentId) },
        )
        .catch((error: unknown) => {
          // Already succeeded or canceled: the caller must learn which, not fail.
          if (
            error instanceof Stripe.errors.StripeError &&
            error.code === 'payment_intent_unexpected_state'
          ) {
            return null;
          }
          throw error;
        }),
    );
    return canceled ? providerPaymentOf(canceled) : this.fetchStatus(providerPaymentId);
  }

  async refund(request: CreateProviderRefund): Promise<ProviderRefund> {
    const refund = await this.call('create refund', () =>
      this.stripe.refunds.create(
        {
          payment_intent: request.providerPaymentId,
          ...(request.amount !== undefined && { amount: request.amount }),
          metadata: { refundId: request.refundId },
        },
        { idempotencyKey: request.refundId },
      ),
    );
    return providerRefundOfStripe(refund);
  }

  async fetchRefund(_providerPaymentId: string, providerRefundId: string): Promise<ProviderRefund> {
    const refund = await this.call('retrieve refund', () => this.stripe.refunds.retrieve(providerRefundId));
    return providerRefundOfStripe(refund);
  }

  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): WebhookDelivery {
    const signature = headers['stripe-signature'];
    if (typeof signature !== 'string' || signature === '') {
      throw new DomainError(ErrorCode.InvalidSignature, 'missing Stripe-Signature header');
    }
    let event: unknown;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.config.STRIPE_WEBHOOK_SECRET,
        WEBHOOK_TOLERANCE_SECONDS,
      );
    } catch {
      throw new DomainError(ErrorCode.InvalidSignature, 'webhook signature verification failed');
    }
    // The SDK refuses only signatures that are too old; one dated in the future is as suspect.
    if (signedAtOf(signature) - Date.now() / 1000 > WEBHOOK_TOLERANCE_SECONDS) {
      throw new DomainError(ErrorCode.InvalidSignature, 'webhook signature is dated in the future');
    }
    const parsed = stripeEventSchema.safeParse(event);
    if (!parsed.success) {
      // Signed with our secret but not an event: retrying it would never help, so it is a 400.
      throw new DomainError(ErrorCode.ValidationFailed, 'webhook payload is not a Stripe event', {
        fields: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    return { eventId: parsed.data.id, type: parsed.data.type, payload: parsed.data };
  }

  newsOf(event: WebhookDelivery): Promise<ProviderNews> {
    return Promise.resolve(newsOfStripeEvent(event));
  }

  /** Provider failures become 503 for the caller; the SDK has already retried transient ones. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const stripeError = error instanceof Stripe.errors.StripeError ? error : undefined;
      this.logger.warn(
        `stripe ${what} failed: ${stripeError ? `${stripeError.type} ${stripeError.statusCode ?? ''} ${stripeError.message}` : String(error)}`,
      );
      throw new DomainError(ErrorCode.UpstreamUnavailable, 'payment provider unavailable, try again', {
        provider: 'stripe',
        ...(stripeError?.code && { providerCode: stripeError.code }),
      });
    }
  }
}

function providerPaymentOf(intent: Stripe.PaymentIntent): ProviderPayment {
  return {
    providerPaymentId: intent.id,
    status: paymentStatusOfIntent(intent.status),
    clientSecret: intent.client_secret,
    checkoutUrl: null,
    failureReason: intent.last_payment_error?.message ?? null,
    amount: intent.status === 'succeeded' ? intent.amount_received : intent.amount,
    currency: intent.currency.toUpperCase(),
  };
}

/** What every Stripe event has, whatever its type; anything else signed with our secret is refused. */
/** What a verified Stripe event must hold; the OpenAPI document describes the webhook body with it. */
export const stripeEventSchema = z.looseObject({
  id: z.string().min(1).max(255),
  type: z.string().min(1).max(255),
  data: z.looseObject({ object: z.looseObject({}) }),
});

/** The `t=` of a Stripe-Signature header (already verified, so it is present), in Unix seconds. */
function signedAtOf(signature: string): number {
  const t = signature.split(',').find((part) => part.startsWith('t='));
  return Number(t?.slice(2));
}

/** SDK host/port/protocol from STRIPE_API_BASE_URL (a local fake in tests); Stripe's own when unset. */
export function apiEndpointOf(
  baseUrl: string | undefined,
): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!baseUrl) {
    return {};
  }
  const url = new URL(baseUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}
