import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner, WriteBatcher, type Tx } from '@rentguy/platform/database';
import { refuseNulCharacters } from '@rentguy/platform/http';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import {
  RefundRepository,
  WebhookEventRepository,
  type StoredWebhookEvent,
} from '@rentguy/payments/data-access';
import type {
  PaymentProviderName,
  ProviderNews,
  ProviderRefund,
  WebhookDelivery,
} from '@rentguy/payments/domain';
import { PaymentMetrics, type WebhookOutcome } from './payment.metrics';
import { PaymentProviderRegistry } from './payment-provider.registry';
import {
  type BatchLockedPayments,
  PaymentTransitionService,
  type TransitionOutcome,
} from './payment-transition.service';
import { RefundTransitionService, type RefundTransitionOutcome } from './refund-transition.service';
import { paymentsConfig } from './payments.config';
import { describeError } from '@rentguy/platform/errors';

/** Events one sweep or one in-process batch handles in a transaction. */
const PROCESS_BATCH = 100;
/** Batches one sweep run handles at most (the rest waits for the next run). */
const SWEEP_BATCHES_PER_RUN = 20;
/**
 * Stored events waiting for in-process processing at most; beyond it a new one is left to the
 * sweep, so a flood of deliveries cannot fill memory. Nothing is lost: the inbox holds it.
 */
const PROCESS_QUEUE_LIMIT = 5_000;

interface Prepared {
  event: StoredWebhookEvent;
  news: ProviderNews;
}

interface Applied {
  event: StoredWebhookEvent;
  outcome: WebhookOutcome | 'skipped';
  committed?: TransitionOutcome;
  refunds: RefundTransitionOutcome[];
}

/**
 * Provider webhooks: verify (Stripe's signature; a Mollie ping's shape), store once in the inbox,
 * answer at once, then process asynchronously
 * (right away in-process, and by the `payments-webhook-inbox` job scheduler for whatever that
 * missed). Processing locks the inbox rows with SKIP LOCKED, so concurrent deliveries and replicas
 * apply an event exactly once. News that is fetched rather than delivered (each Mollie ping is
 * stored, then the payment is fetched) is applied once per fetched state (`PaymentUpdate.newsId`).
 *
 * Under load, both steps are group-committed: the deliveries that arrive while an insert is in
 * flight are stored by the next one, in one statement, and stored events are processed in batches,
 * one transaction each. A batch that fails is retried event by event, so one bad event holds up no
 * other.
 */
@Injectable()
export class WebhookInboxService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookInboxService.name);
  private readonly inFlight = new Set<Promise<void>>();
  private readonly inserts: WriteBatcher<
    { provider: PaymentProviderName; delivery: WebhookDelivery },
    StoredWebhookEvent | null
  >;
  private readonly processing: WriteBatcher<StoredWebhookEvent, void>;
  private queued = 0;
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
  ) {
    // Inserts may take two pool connections at once, processing one: answering the provider comes
    // first. Fewer batches in flight make each one bigger, and round trips are what ingest costs:
    // from four and two, Stripe ingest at 16 connections rose from about 1,200/s to 1,500/s (P3).
    this.inserts = new WriteBatcher((items) => this.events.insertManyIfNew(items), {
      maxBatchSize: PROCESS_BATCH,
      maxInFlight: 2,
    });
    this.processing = new WriteBatcher(
      async (batch) => {
        await this.processBatch(batch);
        return batch.map(() => undefined);
      },
      { maxBatchSize: PROCESS_BATCH, maxInFlight: 1 },
    );
  }

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
    const stored = await this.inserts.write({ provider: providerName, delivery });
    this.metrics.webhookEvent(providerName, delivery.type, stored ? 'received' : 'duplicate');
    // A new event is processed as stored; a duplicate of one whose processing failed earlier gets
    // another chance right away.
    if (stored) {
      this.enqueue(stored);
    } else {
      this.track(this.processById(providerName, delivery.eventId));
    }
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

  /** Processes inbox events that are still unprocessed, oldest first. */
  @OnJob('payments-maintenance', 'webhook-inbox.sweep')
  async sweep(): Promise<JobOutcome> {
    for (let run = 0; run < SWEEP_BATCHES_PER_RUN; run += 1) {
      if (this.stopping) {
        // The rest stays unprocessed in the inbox for the next run, here or on another replica.
        return { status: 'skipped', reason: 'shutting down' };
      }
      const batch = await this.events.findUnprocessedBatch(this.config.WEBHOOK_MAX_ATTEMPTS, PROCESS_BATCH);
      await this.processBatch(batch);
      if (batch.length < PROCESS_BATCH) {
        break;
      }
    }
    return { status: 'done' };
  }

  private enqueue(event: StoredWebhookEvent): void {
    if (this.queued >= PROCESS_QUEUE_LIMIT) {
      return;
    }
    this.queued += 1;
    this.track(this.processing.write(event).finally(() => (this.queued -= 1)));
  }

  private async processById(provider: PaymentProviderName, eventId: string): Promise<void> {
    const event = await this.events.findUnprocessed(provider, eventId);
    if (event) {
      this.enqueue(event);
    }
  }

  private async processBatch(events: readonly StoredWebhookEvent[]): Promise<void> {
    // Worked out before the transaction: a provider may need network calls for it (Mollie's fetch,
    // the refunds Stripe's charge.refunded only names).
    const prepared: Prepared[] = [];
    await Promise.all(
      events.map(async (event) => {
        try {
          prepared.push({ event, news: await this.newsOf(event) });
        } catch (error) {
          await this.fail(event, error);
        }
      }),
    );
    prepared.sort((a, b) => Number(a.event.id) - Number(b.event.id));
    await this.commit(prepared);
  }

  /** Applies prepared events in one transaction; when that fails, each in a transaction of its own. */
  private async commit(prepared: readonly Prepared[]): Promise<void> {
    if (prepared.length === 0) {
      return;
    }
    let applied: Applied[];
    try {
      applied = await this.transactions.run((tx) => this.applyAll(tx, prepared));
    } catch (error) {
      if (prepared.length === 1) {
        await this.fail(prepared[0].event, error);
      } else {
        for (const one of prepared) {
          await this.commit([one]);
        }
      }
      return;
    }
    for (const { event, outcome, committed, refunds } of applied) {
      if (committed) {
        this.transitions.recordCommitted(committed);
      }
      refunds.forEach((r) => this.refundTransitions.recordCommitted(r));
      if (outcome === 'unmatched') {
        this.logger.warn(`${event.provider} event ${event.eventId} (${event.type}) names nothing of ours`);
      }
      if (outcome !== 'skipped') {
        this.metrics.webhookEvent(event.provider, event.type, outcome);
      }
    }
  }

  /** `work` for one transaction: may run again after a deadlock, so it builds its answer afresh. */
  private async applyAll(tx: Tx, prepared: readonly Prepared[]): Promise<Applied[]> {
    const claimed = await this.events.claim(
      tx,
      prepared.map(({ event }) => event.id),
    );
    // The payments the claimed events name, locked by one statement rather than one each.
    const locked = await this.transitions.lockForBatch(
      tx,
      prepared.flatMap(({ event, news }) =>
        claimed.has(event.id) && news.payment ? [{ provider: event.provider, update: news.payment }] : [],
      ),
    );
    const applied: Applied[] = [];
    for (const { event, news } of prepared) {
      if (!claimed.has(event.id)) {
        applied.push({ event, outcome: 'skipped', refunds: [] });
      } else {
        applied.push({ event, ...(await this.applyOne(tx, event, news, locked)) });
      }
    }
    if (claimed.size > 0) {
      await this.events.markProcessed(tx, [...claimed]);
    }
    return applied;
  }

  private async applyOne(
    tx: Tx,
    event: StoredWebhookEvent,
    news: ProviderNews,
    locked: BatchLockedPayments,
  ): Promise<Omit<Applied, 'event'>> {
    const update = news.payment;
    if (
      update?.newsId !== undefined &&
      !(await this.events.insertFetchedNews(tx, event.provider, update.newsId, { ...update }))
    ) {
      // Another ping already fetched this very state (Mollie pings one id for every change).
      return { outcome: 'duplicate', refunds: [] };
    }
    let outcome: WebhookOutcome = 'ignored';
    let committed: TransitionOutcome | undefined;
    if (update) {
      committed = await this.transitions.apply(tx, event.provider, update, locked);
      outcome = committed.outcome;
    }
    const refunds: RefundTransitionOutcome[] = [];
    for (const report of news.refunds) {
      const applied = await this.refundTransitions.apply(tx, event.provider, report);
      refunds.push(applied);
      if (!update || outcome === 'stale') {
        outcome = applied.outcome === 'pending' ? 'stale' : applied.outcome;
      }
    }
    return { outcome, committed, refunds };
  }

  private async fail(event: StoredWebhookEvent, error: unknown): Promise<void> {
    const message = describeError(error);
    this.logger.error(`${event.provider} event ${event.eventId} (${event.type}) failed: ${message}`);
    await this.events.recordFailure(event.id, message).catch((e: unknown) => this.logger.error(e));
    this.metrics.webhookEvent(event.provider, event.type, 'error');
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
