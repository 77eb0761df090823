import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  MollieApiError,
  PaymentEmbed,
  PaymentMethod,
  type MollieClient,
  type Payment as MolliePayment,
} from '@mollie/api-client';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import type {
  CreateProviderPayment,
  CreateProviderRefund,
  PaymentProvider,
  PaymentStatus,
  PaymentUpdate,
  ProviderNews,
  ProviderPayment,
  ProviderRefund,
  WebhookDelivery,
} from '@rentguy/payments/domain';
import { cancelIdempotencyKeyOf } from './stripe-payment.provider';
import { isLoopbackUrl } from './loopback-address.util';
import { minorUnitsOf, mollieAmountOf } from './mollie-amount.util';
import { createMollieSdkClient, fetchLoopbackCertificate } from './mollie-sdk-client';
import { paymentsDataAccessConfig } from './payments-data-access.config';

/** The stored type of a Mollie webhook ping: it says only which payment changed, never how. */
export const MOLLIE_PING_TYPE = 'payment.ping';

/** The webhook path on the gateway that Mollie is told to ping. */
export const MOLLIE_WEBHOOK_PATH = '/v1/webhooks/mollie';

/** Mollie payment ids (`tr_…`); anything else in a ping is refused before it is stored. */
const PAYMENT_ID = /^tr_[A-Za-z0-9]{1,64}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Mollie's payment statuses on our forward-only machine. `open`, `pending` and `authorized` hold no
 * money for us yet (we never capture an authorization by hand: payments are created with automatic
 * capture), so they are all `pending`; the final ones map one to one.
 */
export function paymentStatusOfMollie(status: string): PaymentStatus {
  switch (status) {
    case 'open':
    case 'pending':
    case 'authorized':
      return 'pending';
    case 'paid':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
    default:
      // A status newer than this adapter is not final for us: reconciliation keeps asking.
      return 'pending';
  }
}

const fetchedPaymentSchema = z.looseObject({
  id: z.string().regex(PAYMENT_ID),
  status: z.string().min(1),
  amount: z.object({ currency: z.string().length(3), value: z.string() }),
  metadata: z.unknown(),
  details: z.looseObject({ failureReason: z.string().nullish() }).nullish(),
  _embedded: z
    .looseObject({
      refunds: z
        .array(z.looseObject({ id: z.string(), status: z.string(), metadata: z.unknown().optional() }))
        .optional(),
      chargebacks: z.array(z.looseObject({ id: z.string() })).optional(),
    })
    .nullish(),
});
type FetchedPayment = z.infer<typeof fetchedPaymentSchema>;

/**
 * What identifies the state of a fetched payment: its id and status, and the id and status of each
 * refund and the id of each chargeback. Mollie pings the same id for every change, so two pings
 * that fetched the same state are one piece of news.
 */
export function mollieNewsIdOf(payment: FetchedPayment): string {
  const refunds = (payment._embedded?.refunds ?? []).map((r) => `${r.id}=${r.status}`).sort();
  const chargebacks = (payment._embedded?.chargebacks ?? []).map((c) => c.id).sort();
  return [payment.id, payment.status, ...refunds, ...chargebacks].join(':');
}

/** A fetched Mollie payment as news about one of our payments. */
export function paymentUpdateOfMolliePayment(payment: FetchedPayment): PaymentUpdate {
  const status = paymentStatusOfMollie(payment.status);
  const metadata = z.looseObject({ paymentId: z.string() }).safeParse(payment.metadata);
  const paymentId = metadata.success ? metadata.data.paymentId : null;
  let failureReason: string | null = null;
  if (status === 'failed') {
    failureReason = payment.details?.failureReason ?? 'failed';
  } else if (status === 'canceled' || status === 'expired') {
    failureReason = status;
  }
  return {
    providerPaymentId: payment.id,
    paymentId: paymentId && UUID.test(paymentId) ? paymentId : null,
    status,
    failureReason,
    amount: minorUnitsOf(payment.amount),
    currency: payment.amount.currency.toUpperCase(),
    newsId: mollieNewsIdOf(payment),
  };
}

type MollieRefundLike = { id: string; status: string; metadata?: unknown };

/** A Mollie refund in our vocabulary, with our refund id from its metadata. */
export function providerRefundOfMollie(refund: MollieRefundLike): ProviderRefund {
  const metadata = z.looseObject({ refundId: z.string() }).safeParse(refund.metadata);
  const refundId = metadata.success && UUID.test(metadata.data.refundId) ? metadata.data.refundId : null;
  const status = refundStatusOf(refund.status);
  return {
    providerRefundId: refund.id,
    status,
    refundId,
    failureReason: status === 'failed' || status === 'canceled' ? refund.status : null,
  };
}

/**
 * The Mollie adapter: the only code that talks to Mollie, through the official SDK. Mollie's
 * webhooks are unsigned pings carrying a payment id; what happened is learned by fetching that
 * payment, and only the fetched state is trusted.
 */
@Injectable()
export class MolliePaymentProvider implements PaymentProvider {
  readonly name = 'mollie' as const;
  private readonly logger = new Logger(MolliePaymentProvider.name);
  private client: Promise<MollieClient> | undefined;

  constructor(
    @InjectConfig(paymentsDataAccessConfig)
    private readonly config: ConfigOf<typeof paymentsDataAccessConfig>,
  ) {}

  /** False when no `MOLLIE_API_KEY` is configured: the platform then takes Stripe payments only. */
  get configured(): boolean {
    return this.config.MOLLIE_API_KEY !== undefined;
  }

  async create(request: CreateProviderPayment): Promise<ProviderPayment> {
    const redirectUrl = new URL(this.config.PUBLIC_WEB_URL);
    redirectUrl.searchParams.set('bookingId', request.bookingId);
    redirectUrl.searchParams.set('paymentId', request.paymentId);
    const payment = await this.call('create payment', (mollie) =>
      mollie.payments.create({
        amount: mollieAmountOf(request.amount, request.currency),
        description: `RentGuy booking ${request.bookingId}`,
        redirectUrl: redirectUrl.toString(),
        webhookUrl: `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}${MOLLIE_WEBHOOK_PATH}`,
        metadata: { paymentId: request.paymentId, bookingId: request.bookingId },
        ...(request.method && { method: PaymentMethod[request.method] }),
        idempotencyKey: request.paymentId,
      }),
    );
    return providerPaymentOf(payment);
  }

  async fetchStatus(providerPaymentId: string): Promise<ProviderPayment> {
    return providerPaymentOf(await this.fetch(providerPaymentId));
  }

  async cancel(providerPaymentId: string, paymentId: string): Promise<ProviderPayment> {
    const canceled = await this.call('cancel payment', (mollie) =>
      mollie.payments
        .cancel(providerPaymentId, { idempotencyKey: cancelIdempotencyKeyOf(paymentId) })
        .catch((error: unknown) => {
          // Paid, failed, expired or already canceled: not cancelable; the caller must learn which.
          if (error instanceof MollieApiError && error.statusCode === 422) {
            return null;
          }
          throw error;
        }),
    );
    return canceled ? providerPaymentOf(canceled) : this.fetchStatus(providerPaymentId);
  }

  async refund(request: CreateProviderRefund): Promise<ProviderRefund> {
    // Mollie needs the sum and its currency; the payment says both.
    const payment = await this.fetch(request.providerPaymentId);
    const amount =
      request.amount === undefined ? payment.amount : mollieAmountOf(request.amount, payment.amount.currency);
    const refund = await this.call('create refund', (mollie) =>
      mollie.paymentRefunds.create({
        paymentId: request.providerPaymentId,
        amount,
        metadata: { refundId: request.refundId },
        idempotencyKey: request.refundId,
      }),
    );
    return providerRefundOfMollie(refund);
  }

  async fetchRefund(providerPaymentId: string, providerRefundId: string): Promise<ProviderRefund> {
    const refund = await this.call('get refund', (mollie) =>
      mollie.paymentRefunds.get(providerRefundId, { paymentId: providerPaymentId }),
    );
    return providerRefundOfMollie(refund);
  }

  /** A ping is `id=tr_…`, form-encoded and unsigned: only its shape can be checked before it is stored. */
  parseWebhook(rawBody: Buffer): WebhookDelivery {
    const id = new URLSearchParams(rawBody.toString('utf8')).get('id');
    if (id === null || !PAYMENT_ID.test(id)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'a Mollie webhook carries a payment id (id=tr_…)', {
        fields: [{ path: 'id', message: id === null ? 'required' : 'not a Mollie payment id (tr_…)' }],
      });
    }
    // Every ping is its own inbox row: the news is deduplicated by what fetching it returns (`newsId`).
    return { eventId: `${id}@${randomUUID()}`, type: MOLLIE_PING_TYPE, payload: { id } };
  }

  /**
   * Fetches the pinged payment, its refunds embedded (Mollie pings the payment's webhook for refund
   * changes too); nothing for an id Mollie does not know, which then changes nothing.
   */
  async newsOf(event: WebhookDelivery): Promise<ProviderNews> {
    if (event.type !== MOLLIE_PING_TYPE) {
      return { payment: null, refunds: [] };
    }
    const { id } = z.object({ id: z.string().regex(PAYMENT_ID) }).parse(event.payload);
    const payment = await this.fetch(id).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        return null;
      }
      throw error;
    });
    if (!payment) {
      return { payment: null, refunds: [] };
    }
    return {
      payment: paymentUpdateOfMolliePayment(payment),
      refunds: (payment._embedded?.refunds ?? []).map(providerRefundOfMollie),
    };
  }

  private async fetch(providerPaymentId: string): Promise<FetchedPayment> {
    const payment = await this.call('get payment', (mollie) =>
      mollie.payments.get(providerPaymentId, { embed: [PaymentEmbed.refunds, PaymentEmbed.chargebacks] }),
    );
    return fetchedPaymentSchema.parse(payment);
  }

  /**
   * The SDK client, made on first use. A loopback base URL (a local fake) is trusted with the
   * self-signed certificate it presents; a client whose connection failed is made again, so a fake
   * that restarted with a new certificate is trusted again.
   */
  private sdk(): Promise<MollieClient> {
    const apiKey = this.config.MOLLIE_API_KEY;
    if (apiKey === undefined) {
      return Promise.reject(
        new DomainError(ErrorCode.ValidationFailed, 'payment provider "mollie" is not available', {
          fields: [{ path: 'provider', message: 'Mollie is not configured (MOLLIE_API_KEY)' }],
        }),
      );
    }
    const apiEndpoint = this.config.MOLLIE_API_BASE_URL;
    this.client ??= (
      isLoopbackUrl(apiEndpoint)
        ? fetchLoopbackCertificate(apiEndpoint, this.config.MOLLIE_TIMEOUT_MS)
        : Promise.resolve(undefined)
    ).then((trustedCertificate) => createMollieSdkClient({ apiKey, apiEndpoint, trustedCertificate }));
    const client = this.client;
    client.catch(() => {
      if (this.client === client) {
        this.client = undefined;
      }
    });
    return client;
  }

  /** Provider failures become 503 for the caller, an unknown payment 404 and a refused method 400. */
  private async call<T>(what: string, request: (mollie: MollieClient) => Promise<T>): Promise<T> {
    let mollie: MollieClient;
    try {
      mollie = await this.sdk();
    } catch (error) {
      if (error instanceof DomainError) {
        throw error;
      }
      this.logger.warn(`mollie ${what} failed: no client: ${String(error)}`);
      throw unavailable();
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${this.config.MOLLIE_TIMEOUT_MS} ms`)),
          this.config.MOLLIE_TIMEOUT_MS,
        );
      });
      return await Promise.race([request(mollie), deadline]);
    } catch (error) {
      const apiError = error instanceof MollieApiError ? error : undefined;
      if (apiError?.statusCode === 404) {
        throw new DomainError(ErrorCode.NotFound, 'payment not found at Mollie');
      }
      if (apiError?.statusCode === 422 && apiError.field === 'method') {
        throw new DomainError(ErrorCode.ValidationFailed, apiError.message, {
          fields: [{ path: 'method', message: apiError.message }],
        });
      }
      if (apiError?.statusCode === undefined) {
        // Not an answer from Mollie (connection, TLS): make the client again next time.
        this.client = undefined;
      }
      this.logger.warn(
        `mollie ${what} failed: ${apiError ? `${apiError.statusCode ?? ''} ${apiError.message}` : String(error)}`,
      );
      throw unavailable();
    } finally {
      clearTimeout(timer);
    }
  }
}

function unavailable(): DomainError {
  return new DomainError(ErrorCode.UpstreamUnavailable, 'payment provider unavailable, try again', {
    provider: 'mollie',
  });
}

function refundStatusOf(status: string): ProviderRefund['status'] {
  switch (status) {
    case 'refunded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default:
      return 'pending';
  }
}

function providerPaymentOf(payment: MolliePayment | FetchedPayment): ProviderPayment {
  const fetched = fetchedPaymentSchema.parse(payment);
  const update = paymentUpdateOfMolliePayment(fetched);
  const links = z
    .looseObject({ _links: z.looseObject({ checkout: z.object({ href: z.string() }).nullish() }).nullish() })
    .parse(payment);
  return {
    providerPaymentId: fetched.id,
    status: update.status,
    clientSecret: null,
    checkoutUrl: links._links?.checkout?.href ?? null,
    failureReason: update.failureReason,
    amount: update.amount ?? 0,
    currency: update.currency ?? fetched.amount.currency,
  };
}
