import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { backoffDelay } from './backoff';
import { extractTraceContext, traceHeaders } from './event-headers';
import { KafkaClient, type KafkaOutgoingMessage, type KafkaProducer } from './kafka.client';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';
import { outboxChannel } from './outbox.migration';
import { OutboxListener } from './outbox.listener';
import { OutboxRepository, type OutboxStats, type PendingOutboxRow } from './outbox.repository';
import { describeError } from '@rentguy/platform/errors';

const tracer = trace.getTracer('@rentguy/platform/messaging');
const RETENTION_CHUNK = 1_000;
const STATS_MAX_AGE_MS = 1_000;
const MAX_ERROR_LENGTH = 2_000;

/**
 * Publishes committed outbox rows to Kafka, oldest first, and marks them published. Woken by
 * NOTIFY on commit, polling as a fallback; backs off while Kafka or PostgreSQL is down and resumes
 * where it stopped, so nothing committed is lost and each key's events keep their order.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly outbox: OutboxRepository;
  private readonly listener: OutboxListener;
  private readonly publishedTotal: Counter<'topic'>;
  private readonly failuresTotal: Counter;
  private producer?: KafkaProducer;
  private loop?: Promise<void>;
  private abort = new AbortController();
  private wakeRequested = false;
  private wake?: () => void;
  private retention?: Promise<number>;
  private stats?: { at: number; value: Promise<OutboxStats> };

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaClient,
    metrics: MetricsRegistry,
  ) {
    this.outbox = new OutboxRepository(options.schema);
    this.listener = new OutboxListener({
      connectionString: options.databaseUrl,
      channel: outboxChannel(options.schema),
      applicationName: `${options.clientId}:outbox-listener:${options.schema}`.slice(0, 63),
      backoff: options.relayOptions.backoff,
      logger: this.logger,
      onNotify: () => this.requestWake(),
    });
    this.publishedTotal = metrics.counter({
      name: 'outbox_published_total',
      help: 'Outbox events published to Kafka, by topic',
      labelNames: ['topic'],
    });
    this.failuresTotal = metrics.counter({
      name: 'outbox_publish_failures_total',
      help: 'Outbox relay rounds that failed (Kafka or PostgreSQL unavailable); the rows are retried',
    });
    const stats = (): Promise<OutboxStats> => this.cachedStats();
    const logger = this.logger;
    metrics.gauge({
      name: 'outbox_backlog',
      help: 'Outbox events committed but not yet published',
      async collect() {
        try {
          this.set((await stats()).backlog);
        } catch (error) {
          logger.warn(`outbox_backlog unavailable: ${describeError(error)}`);
        }
      },
    });
    metrics.gauge({
      name: 'outbox_oldest_age_seconds',
      help: 'Age of the oldest unpublished outbox event (0 when none)',
      async collect() {
        try {
          this.set((await stats()).oldestAgeSeconds);
        } catch (error) {
          logger.warn(`outbox_oldest_age_seconds unavailable: ${describeError(error)}`);
        }
      },
    });
  }

  /** Whether the LISTEN connection is up (otherwise the relay is polling only). */
  get isListening(): boolean {
    return this.listener.isListening;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.loop) {
      return;
    }
    this.abort = new AbortController();
    this.listener.start();
    this.loop = this.run();
  }

  /**
   * Deletes published rows older than `retentionDays` (a no-op when it is false); a call during a
   * run joins it. The service runs it from a BullMQ job scheduler, so one replica prunes per interval.
   * @returns how many rows were deleted.
   */
  pruneRetention(): Promise<number> {
    const { retentionDays } = this.options.relayOptions;
    if (retentionDays === false) {
      return Promise.resolve(0);
    }
    this.retention ??= this.prune(retentionDays).finally(() => (this.retention = undefined));
    return this.retention;
  }

  /** Stops after the round in flight (its rows are either marked published or left for next time). */
  async stop(): Promise<void> {
    if (!this.loop) {
      return;
    }
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
    await this.retention?.catch(() => undefined);
    await this.listener.stop();
    await this.resetProducer();
  }

  private requestWake(): void {
    this.wakeRequested = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { batchSize, pollIntervalMs, backoff } = this.options.relayOptions;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      this.wakeRequested = false;
      let wait = pollIntervalMs;
      let wakeable = true;
      try {
        const published = await this.publishRound(batchSize);
        failures = 0;
        if (published === batchSize) {
          wait = 0; // a full batch: more rows are probably waiting
        }
      } catch (error) {
        failures += 1;
        this.failuresTotal.inc();
        // A NOTIFY must not cut the backoff short, or a burst of commits would hammer a down broker.
        wakeable = false;
        wait = backoffDelay(failures, backoff);
        this.logger.warn(
          `outbox publish failed (${failures} in a row), retrying in ${wait} ms: ${describeError(error)}`,
        );
      }
      await this.idle(wait, wakeable);
    }
  }

  private async idle(ms: number, wakeable: boolean): Promise<void> {
    const signal = this.abort.signal;
    if (ms <= 0 || signal.aborted || (wakeable && this.wakeRequested)) {
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeable) {
        this.wake = done;
      }
    });
  }

  /** One transaction: claim the oldest unpublished rows, publish them in one batch, mark them. */
  private async publishRound(batchSize: number): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      if (!(await this.outbox.tryLockRelay(runner))) {
        await runner.commitTransaction();
        return 0; // another replica is publishing
      }
      const rows = await this.outbox.claimPending(runner, batchSize);
      if (rows.length === 0) {
        await runner.commitTransaction();
        return 0;
      }
      const ids = rows.map((row) => row.id);
      try {
        await this.send(rows);
      } catch (error) {
        await this.resetProducer();
        await this.outbox.markFailed(runner, ids, describeError(error).slice(0, MAX_ERROR_LENGTH));
        await runner.commitTransaction();
        throw error;
      }
      await this.outbox.markPublished(runner, ids);
      await runner.commitTransaction();
      for (const row of rows) {
        this.publishedTotal.inc({ topic: row.topic });
      }
      return rows.length;
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction().catch(() => undefined);
      }
      throw error;
    } finally {
      await runner.release();
    }
  }

  private async send(rows: PendingOutboxRow[]): Promise<void> {
    const producer = await this.connectedProducer();
    const spans: Span[] = [];
    const byTopic = new Map<string, KafkaOutgoingMessage[]>();
    for (const row of rows) {
      // A producer span under the writer's trace; its context travels on to the consumer.
      const parent = extractTraceContext(row.headers);
      const span = tracer.startSpan(
        `send ${row.topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': row.topic,
            'messaging.kafka.message.key': row.key,
            'messaging.message.id': row.eventId,
          },
        },
        parent,
      );
      spans.push(span);
      const messages = byTopic.get(row.topic) ?? [];
      messages.push({
        key: row.key,
        value: row.payload,
        headers: { ...row.headers, ...traceHeaders(trace.setSpan(parent, span)) },
      });
      byTopic.set(row.topic, messages);
    }
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      for (const span of spans) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      }
      throw error;
    } finally {
      for (const span of spans) {
        span.end();
      }
    }
  }

  private async connectedProducer(): Promise<KafkaProducer> {
    if (!this.producer) {
      const producer = this.kafka.idempotentProducer();
      this.producer = producer;
      try {
        await producer.connect();
      } catch (error) {
        this.producer = undefined;
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
    }
    return this.producer;
  }

  // After a failed send the producer starts over with a new producer id: a broker that lost its
  // state (or a fenced producer) would otherwise reject this one's sequence numbers forever.
  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private cachedStats(): Promise<OutboxStats> {
    const now = Date.now();
    if (!this.stats || now - this.stats.at > STATS_MAX_AGE_MS) {
      const value = this.outbox.stats(this.dataSource.manager);
      value.catch(() => undefined);
      this.stats = { at: now, value };
    }
    return this.stats.value;
  }

  private async prune(days: number): Promise<number> {
    let total = 0;
    let deleted: number;
    do {
      deleted = await this.outbox.deletePublishedBefore(this.dataSource.manager, days, RETENTION_CHUNK);
      total += deleted;
    } while (deleted === RETENTION_CHUNK && !this.abort.signal.aborted);
    if (total > 0) {
      this.logger.log(`outbox retention deleted ${total} events published more than ${days} days ago`);
    }
    return total;
  }
}
