import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import { refuseNulCharacters } from '@rentguy/platform/http';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import {
  RefundRepository,
  WebhookEventRepository,
  type StoredWebhookEvent,
} from '@rentguy/payments/data-access';
import type { PaymentProviderName, ProviderNews, ProviderRefund } from '@rentguy/payments/domain';
import { PaymentMetrics, type WebhookOutcome } from './payment.metrics';
import { PaymentProviderRegistry } from './payment-provider.registry';
import { PaymentTransitionService, type TransitionOutcome } from './payment-transition.service';
import { RefundTransitionService, type RefundTransitionOutcome } from './refund-transition.service';
import { paymentsConfig } from './payments.config';
import { describeError } from '@rentguy/platform/errors';

const SWEEP_BATCH = 100;

/**
 * Provider webhooks: verify (Stripe's signature; a Mollie ping's shape), store once in the inbox,
 * answer at once, then process asynchronously
 * (right away in-process, and by the `payments-webhook-inbox` job scheduler for whatever that
 * missed). Processing locks the inbox row with SKIP LOCKED, so concurrent deliveries and replicas
 * apply an event exactly once. News that is fetched rather than delivered (each Mollie ping is
 * stored, then the payment is fetched) is applied once per fetched state (`PaymentUpdate.newsId`).
 */
@Injectable()
export class WebhookInboxService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookInboxService.name);
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    @InjectConfig(paymentsConfig) private readonly config: ConfigOf<typeof paymentsConfig>,
    private readonly events: WebhookEventRepository,
    private readonly transactions: TransactionRunner,
    private readonly providers: PaymentProviderRegistry,
    private readonly transitions: PaymentTransitionService,
    private readonly refundTransitions: RefundTransitionService,
    private readonly refunds: RefundRepository,
    private readonly metrics: PaymentMetrics,
  ) {}

  /** Verifies and stores a delivery; processing happens after the caller has been answered. */
  async receive(
    providerName: PaymentProviderName,
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): Promise<void> {
    const provider = this.providers.get(providerName);
    let delivery;
    try {
      delivery = provider.parseWebhook(rawBody, headers);
      // A verified event the inbox cannot store (PostgreSQL jsonb holds no NUL) is bad input.
      refuseNulCharacters(delivery.payload, 'webhook payload holds NUL characters');
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.InvalidSignature) {
        this.metrics.webhookEvent(providerName, 'unknown', 'invalid_signature');
      } else if (error instanceof DomainError && error.code === ErrorCode.ValidationFailed) {
        this.metrics.webhookEvent(providerName, 'unknown', 'invalid_payload');
      }
      throw error;
    }
    const stored = await this.events.insertIfNew(providerName, delivery);
    this.metrics.webhookEvent(providerName, delivery.type, stored ? 'received' : 'duplicate');
    // A new event is processed as stored; a duplicate of one whose processing failed earlier gets
    // another chance right away.
    this.track(stored ? this.process(stored) : this.processById(providerName, delivery.eventId));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.whenIdle();
  }

  /** Resolves once no in-process processing of a delivery started so far is still running. */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Processes inbox events that are still unprocessed, oldest first (one batch per run). */
  @OnJob('payments-maintenance', 'webhook-inbox.sweep')
  async sweep(): Promise<JobOutcome> {
    const batch = await this.events.findUnprocessedBatch(this.config.WEBHOOK_MAX_ATTEMPTS, SWEEP_BATCH);
    for (const event of batch) {
      if (this.stopping) {
        // The rest stays unprocessed in the inbox for the next run, here or on another replica.
        return { status: 'skipped', reason: 'shutting down' };
      }
      await this.process(event);
    }
    return { status: 'done' };
  }

  private async processById(provider: PaymentProviderName, eventId: string): Promise<void> {
    const event = await this.events.findUnprocessed(provider, eventId);
    if (event) {
      await this.process(event);
    }
  }

  private async process(event: StoredWebhookEvent): Promise<void> {
    let outcome: WebhookOutcome | 'skipped';
    try {
      // Worked out before the transaction: a provider may need network calls for it (Mollie's fetch,
      // the refunds Stripe's charge.refunded only names).
      const news = await this.newsOf(event);
      const update = news.payment;
      let committed: TransitionOutcome | undefined;
      const committedRefunds: RefundTransitionOutcome[] = [];
      outcome = await this.transactions.run(async (tx) => {
        committedRefunds.length = 0;
        if (!(await this.events.claim(tx, event.id))) {
          return 'skipped';
        }
        let result: WebhookOutcome = 'ignored';
        if (
          update?.newsId !== undefined &&
          !(await this.events.insertFetchedNews(tx, event.provider, update.newsId, { ...update }))
        ) {
          // Another ping already fetched this very state (Mollie pings one id for every change).
          result = 'duplicate';
        } else {
          if (update) {
            committed = await this.transitions.apply(tx, event.provider, update);
            result = committed.outcome;
          }
          for (const report of news.refunds) {
            const applied = await this.refundTransitions.apply(tx, event.provider, report);
            committedRefunds.push(applied);
            if (!update || result === 'stale') {
              result = applied.outcome === 'pending' ? 'stale' : applied.outcome;
            }
          }
        }
        await this.events.markProcessed(tx, event.id);
        return result;
      });
      if (committed) {
        this.transitions.recordCommitted(committed);
      }
      committedRefunds.forEach((r) => this.refundTransitions.recordCommitted(r));
      if (outcome === 'unmatched') {
        this.logger.warn(`${event.provider} event ${event.eventId} (${event.type}) names nothing of ours`);
      }
    } catch (error) {
      outcome = 'error';
      const message = describeError(error);
      this.logger.error(`${event.provider} event ${event.eventId} (${event.type}) failed: ${message}`);
      await this.events.recordFailure(event.id, message).catch((e: unknown) => this.logger.error(e));
    }
    if (outcome !== 'skipped') {
      this.metrics.webhookEvent(event.provider, event.type, outcome);
    }
  }

  /** The event's news, with the refunds it only names fetched from the provider. */
  private async newsOf(event: StoredWebhookEvent): Promise<ProviderNews> {
    const provider = this.providers.get(event.provider);
    const news = await provider.newsOf(event);
    if (news.recheckRefundsOf === undefined) {
      return news;
    }
    const requested = await this.refunds.findRequestedOfProviderPayment(
      event.provider,
      news.recheckRefundsOf,
    );
    const fetched: ProviderRefund[] = [];
    for (const refund of requested) {
      if (refund.providerRefundId !== null) {
        fetched.push({
          ...(await provider.fetchRefund(news.recheckRefundsOf, refund.providerRefundId)),
          refundId: refund.id,
        });
      }
    }
    return { ...news, refunds: [...news.refunds, ...fetched] };
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => this.logger.error(error))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
