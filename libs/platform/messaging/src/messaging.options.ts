import type { ConsumerGroup, JobName, QueueName } from '@rentguy/contracts';
import type { BackoffOptions } from './backoff';

/** Injection token of the resolved messaging options. */
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface OutboxRelayOptions {
  /** Rows per round, published in one `sendBatch`. */
  batchSize: number;
  /** Polling fallback when no NOTIFY arrives (a dropped LISTEN connection, a disabled trigger). */
  pollIntervalMs: number;
  /** Delay after a failed round (Kafka or PostgreSQL down), growing up to `maxMs`. */
  backoff: BackoffOptions;
  /** Published rows older than this many days are deleted; `false` keeps them forever. */
  retentionDays: number | false;
}

export interface ConsumerRetryOptions {
  /** Handler attempts per message before it is dead-lettered. */
  maxAttempts: number;
  /** Delay between handler attempts. */
  backoff: BackoffOptions;
  /** Delay while PostgreSQL or Kafka themselves fail (the message is retried until they return). */
  infrastructureBackoff: BackoffOptions;
}

/** The queues whose catalog entry has an `outbox.prune` job: the maintenance queues of relaying services. */
export type OutboxRetentionQueue = {
  [Q in QueueName]: 'outbox.prune' extends JobName<Q> ? Q : never;
}[QueueName];

export interface MessagingModuleOptions {
  /** Kafka client id, usually the app name; `KAFKA_CLIENT_ID` overrides it. */
  clientId: string;
  /** The service's PostgreSQL schema that holds its `outbox` and `inbox` tables. */
  schema: string;
  /** Whether this process runs the outbox relay (a CLI or a worker that only writes events does not). */
  relay: boolean;
  /**
   * The Kafka consumer group this app runs (`consumerGroups` in libs/contracts), if it consumes:
   * its `@OnEvent` controller methods run through the inbox engine once `startEventConsumers(app)`
   * has connected the transport.
   */
  consumerGroup?: ConsumerGroup;
  /** Partitions of the group processed in parallel (order is per partition either way). Default 1. */
  partitionsConsumedConcurrently?: number;
  /**
   * Prefix of every physical topic this app produces to and consumes from (including DLQs), to share
   * one cluster between environments or test runs. Empty by default.
   */
  topicPrefix?: string;
  relayOptions?: Partial<OutboxRelayOptions>;
  consumerRetry?: Partial<ConsumerRetryOptions>;
  /**
   * The service's maintenance queue, whose `outbox.prune` job this app then handles: each run (from
   * the `<service>-outbox-retention` job scheduler) deletes published rows older than
   * `relayOptions.retentionDays`. The app must work that queue (`QueueModule.forRoot({ workers })`).
   */
  outboxRetentionQueue?: OutboxRetentionQueue;
}

export interface ResolvedMessagingOptions {
  clientId: string;
  schema: string;
  relay: boolean;
  consumerGroup?: ConsumerGroup;
  partitionsConsumedConcurrently?: number;
  topicPrefix: string;
  groupPrefix: string;
  databaseUrl: string;
  relayOptions: OutboxRelayOptions;
  consumerRetry: ConsumerRetryOptions;
}

export const DEFAULT_RELAY_OPTIONS: OutboxRelayOptions = {
  batchSize: 200,
  pollIntervalMs: 1_000,
  backoff: { initialMs: 500, maxMs: 10_000 },
  retentionDays: 7,
};

export const DEFAULT_CONSUMER_RETRY: ConsumerRetryOptions = {
  maxAttempts: 3,
  backoff: { initialMs: 200, maxMs: 1_000, factor: 5 },
  infrastructureBackoff: { initialMs: 500, maxMs: 5_000 },
};

const TOPIC_PREFIX = /^[A-Za-z0-9._-]*$/;

export function assertTopicPrefix(prefix: string): string {
  if (!TOPIC_PREFIX.test(prefix)) {
    throw new Error(`invalid topic prefix "${prefix}": expected ${TOPIC_PREFIX}`);
  }
  return prefix;
}
