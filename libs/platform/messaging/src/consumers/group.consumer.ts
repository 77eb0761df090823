import { Logger } from '@nestjs/common';
import type { Counter, Gauge } from 'prom-client';
import { parseEnvelope, type EventEnvelope, type EventType } from '@rentguy/contracts';
import type { TransactionRunner, Tx } from '@rentguy/platform/database';
import { backoffDelay, sleep } from '../backoff';
import type { DeadLetterPublisher } from '../dead-letter.publisher';
import { decodeHeaders } from '../event-headers';
import type { InboxRepository } from '../inbox.repository';
import type { KafkaClient, KafkaConsumer, KafkaEachMessagePayload } from '../kafka.client';
import type { ConsumerRetryOptions } from '../messaging.options';
import type { MessageOrigin } from './inbox.context';
import { describeError } from '@rentguy/platform/errors';

/** Applies one event inside the inbox transaction `tx`; throwing rolls the transaction back. */
export type InboxHandler = (event: EventEnvelope, tx: Tx, origin: MessageOrigin) => Promise<void>;

export interface GroupConsumerOptions {
  /** Consumer group id; also names the group's DLQ topics and its inbox rows. */
  group: string;
  /** The physical topics consumed. */
  topics: readonly string[];
  /** Handlers by event type; other types on these topics are acknowledged and skipped. */
  handlers: ReadonlyMap<string, InboxHandler>;
  /** Where a group without committed offsets starts. Default true: a new group misses nothing. */
  fromBeginning?: boolean;
  /** Partitions processed in parallel (order is per partition either way). Default 1. */
  partitionsConsumedConcurrently?: number;
}

export type ConsumeOutcome = 'processed' | 'duplicate' | 'skipped' | 'dlq';

export interface GroupConsumerDeps {
  kafka: KafkaClient;
  transactions: TransactionRunner;
  inbox: InboxRepository;
  deadLetters: DeadLetterPublisher;
  retry: ConsumerRetryOptions;
  metrics: {
    consumed: Counter<'topic' | 'type' | 'outcome'>;
    deadLettered: Counter<'topic' | 'consumer'>;
    lag: Gauge<'group' | 'topic' | 'partition'>;
  };
}

/** PostgreSQL (or Kafka) itself failed, not the handler: retry until it is back, never dead-letter. */
class InfrastructureError extends Error {
  constructor(cause: unknown) {
    super(describeError(cause), { cause });
    this.name = 'InfrastructureError';
  }
}

/** The consumer is stopping: leave the message uncommitted so it is redelivered. */
class ConsumerStoppingError extends Error {
  constructor() {
    super('consumer stopping; message left for redelivery');
    this.name = 'ConsumerStoppingError';
  }
}

const RESTART_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };
const STOP_WAITS_FOR_START_MS = 10_000;

/**
 * The inbox engine: one kafkajs consumer group with inbox deduplication, bounded retries and a
 * dead-letter queue. Each message runs in one transaction of the shared TransactionRunner (so a
 * deadlock is rerun there, not counted as a handler failure): the inbox row, then the handler.
 *
 * Offsets: `eachMessage` with autoCommit — kafkajs only resolves (and later commits) a message's
 * offset after `eachMessage` returns, which is after the inbox transaction has committed.
 */
export class GroupConsumer {
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private readonly joined: Promise<void>;
  private markJoined!: () => void;
  private consumer?: KafkaConsumer;
  private restartTimer?: NodeJS.Timeout;
  private startFailures = 0;
  private starting?: Promise<void>;

  readonly group: string;
  readonly topics: readonly string[];

  constructor(
    private readonly options: GroupConsumerOptions,
    private readonly deps: GroupConsumerDeps,
  ) {
    this.group = options.group;
    this.topics = options.topics;
    this.logger = new Logger(`Consumer:${this.group}`);
    this.joined = new Promise((resolve) => (this.markJoined = resolve));
  }

  /** Resolves once the consumer has joined its group for the first time. */
  ready(): Promise<void> {
    return this.joined;
  }

  start(): void {
    this.starting = this.connectAndRun().catch((error: unknown) =>
      this.logger.error(`consumer start failed: ${describeError(error)}`),
    );
  }

  /** Lets the message in flight finish (or abandons its retries), then leaves the group. */
  async stop(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.restartTimer);
    // A join in flight is let finish first (for a while): kafkajs goes on with its metadata and join
    // requests after disconnect(), past the end of the process's shutdown.
    await settledWithin(this.starting, STOP_WAITS_FOR_START_MS);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async connectAndRun(): Promise<void> {
    if (this.abort.signal.aborted) {
      return;
    }
    const consumer = this.deps.kafka.consumer({
      groupId: this.group,
      // Fetches return as soon as data arrives, after 100 ms at most (the kafkajs default of 5 s
      // would add seconds of latency to every quiet topic).
      maxWaitTimeInMs: 100,
      // A member that stopped heartbeating (its process or the broker died) is dropped after 10 s,
      // not kafkajs' 30 s: after a broker restart the group rejoins in seconds (docs/faults.md).
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      rebalanceTimeout: 60_000,
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.markJoined());
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error(
        `consumer crashed (${payload.restart ? 'kafkajs restarts it' : 'restarting'}): ${describeError(payload.error)}`,
      );
      if (!payload.restart) {
        this.scheduleRestart(consumer);
      }
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      this.deps.metrics.lag.set(
        { group: this.group, topic: payload.topic, partition: String(payload.partition) },
        Number(payload.offsetLag),
      );
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [...this.topics],
        fromBeginning: this.options.fromBeginning ?? true,
      });
      await consumer.run({
        autoCommit: true,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachMessage: (payload) => this.onMessage(payload),
      });
      this.startFailures = 0;
    } catch (error) {
      this.logger.error(`consumer could not start: ${describeError(error)}`);
      this.scheduleRestart(consumer);
    }
  }

  // Slow, capped restarts: a consumer that cannot start keeps trying without a tight crash loop.
  private scheduleRestart(consumer: KafkaConsumer): void {
    if (this.consumer !== consumer || this.abort.signal.aborted) {
      return;
    }
    this.consumer = undefined;
    this.startFailures += 1;
    const wait = backoffDelay(this.startFailures, RESTART_BACKOFF);
    consumer
      .disconnect()
      .catch(() => undefined)
      .finally(() => {
        if (!this.abort.signal.aborted) {
          this.restartTimer = setTimeout(() => this.start(), wait);
        }
      });
  }

  private async onMessage(payload: KafkaEachMessagePayload): Promise<void> {
    const { topic } = payload;
    const headers = decodeHeaders(payload.message.headers);
    const { outcome, type } = await this.process(payload, headers);
    this.deps.metrics.consumed.inc({ topic, type, outcome });
  }

  private async process(
    payload: KafkaEachMessagePayload,
    headers: Record<string, string>,
  ): Promise<{ outcome: ConsumeOutcome; type: string }> {
    let envelope: EventEnvelope;
    try {
      envelope = parseEnvelope(parseJson(payload.message.value));
    } catch (error) {
      // Retrying cannot fix a malformed message: dead-letter it at once.
      await this.deadLetter(payload, headers, error);
      return { outcome: 'dlq', type: 'invalid' };
    }
    const handler = this.options.handlers.get(envelope.type);
    if (!handler) {
      return { outcome: 'skipped', type: envelope.type };
    }
    const { topic, partition, message } = payload;
    const origin: MessageOrigin = { topic, partition, offset: message.offset, headers };

    let handlerFailures = 0;
    let infrastructureFailures = 0;
    for (;;) {
      this.assertRunning();
      try {
        const applied = await this.applyOnce(envelope, handler, origin);
        return { outcome: applied ? 'processed' : 'duplicate', type: envelope.type };
      } catch (error) {
        if (error instanceof InfrastructureError) {
          infrastructureFailures += 1;
          const wait = backoffDelay(infrastructureFailures, this.deps.retry.infrastructureBackoff);
          this.logger.warn(
            `${envelope.type} ${envelope.id}: database unavailable, retrying in ${wait} ms: ${error.message}`,
          );
          await this.pauseBeforeRetry(payload, wait);
          continue;
        }
        handlerFailures += 1;
        if (handlerFailures >= this.deps.retry.maxAttempts) {
          this.logger.error(
            `${envelope.type} ${envelope.id} failed ${handlerFailures} times, dead-lettering: ${describeError(error)}`,
          );
          await this.deadLetter(payload, headers, error);
          return { outcome: 'dlq', type: envelope.type };
        }
        const wait = backoffDelay(handlerFailures, this.deps.retry.backoff);
        this.logger.warn(
          `${envelope.type} ${envelope.id} failed (attempt ${handlerFailures}), retrying in ${wait} ms: ${describeError(error)}`,
        );
        await this.pauseBeforeRetry(payload, wait);
      }
    }
  }

  /**
   * One transaction: record the event in the inbox (a duplicate stops here), run the handler in the
   * same transaction, commit. Returns false for a duplicate. A failure of the handler reaches the
   * caller as thrown; anything else (connect, inbox insert, commit) is an InfrastructureError.
   */
  private async applyOnce(
    envelope: EventEnvelope<EventType>,
    handler: InboxHandler,
    origin: MessageOrigin,
  ): Promise<boolean> {
    let handlerError: { error: unknown } | undefined;
    try {
      return await this.deps.transactions.run(async (tx) => {
        handlerError = undefined;
        let fresh: boolean;
        try {
          fresh = await this.deps.inbox.record(tx, this.group, envelope.id);
        } catch (error) {
          throw new InfrastructureError(error);
        }
        if (!fresh) {
          return false;
        }
        try {
          await handler(envelope, tx, origin);
          // A handler that swallowed a failed query leaves the transaction aborted, and COMMIT would
          // then silently roll back; this query fails instead, so the message is retried, not lost.
          await tx.query('SELECT 1');
        } catch (error) {
          handlerError = { error };
          throw error;
        }
        return true;
      });
    } catch (error) {
      if (error instanceof InfrastructureError || (handlerError && handlerError.error === error)) {
        throw error;
      }
      throw new InfrastructureError(error);
    }
  }

  private async deadLetter(
    payload: KafkaEachMessagePayload,
    headers: Record<string, string>,
    error: unknown,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    const letter = {
      key: message.key,
      value: message.value,
      headers,
      origin: { topic, partition, offset: message.offset, group: this.group, error, failedAt: new Date() },
    };
    for (let failures = 1; ; failures += 1) {
      this.assertRunning();
      try {
        const dlq = await this.deps.deadLetters.publish(letter);
        this.deps.metrics.deadLettered.inc({ topic, consumer: this.group });
        this.logger.warn(
          `${topic}[${partition}]@${message.offset} dead-lettered to ${dlq}: ${describeError(error)}`,
        );
        return;
      } catch (publishError) {
        const wait = backoffDelay(failures, this.deps.retry.infrastructureBackoff);
        this.logger.warn(
          `dead-lettering ${topic}[${partition}]@${message.offset} failed, retrying in ${wait} ms: ${describeError(publishError)}`,
        );
        await this.pauseBeforeRetry(payload, wait);
      }
    }
  }

  // Heartbeats keep the group membership while we wait; a rebalance makes heartbeat() throw, which
  // hands the message back to kafkajs (uncommitted) instead of processing it after losing the partition.
  private async pauseBeforeRetry(payload: KafkaEachMessagePayload, ms: number): Promise<void> {
    await sleep(ms, this.abort.signal);
    this.assertRunning();
    await payload.heartbeat();
  }

  private assertRunning(): void {
    if (this.abort.signal.aborted) {
      throw new ConsumerStoppingError();
    }
  }
}

function parseJson(value: Buffer | null): unknown {
  if (value === null) {
    throw new SyntaxError('message has no value');
  }
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch (error) {
    throw new SyntaxError(`message value is not JSON: ${describeError(error)}`, { cause: error });
  }
}

async function settledWithin(work: Promise<void> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
