import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { DeadLetterPublisher } from './dead-letter.publisher';
import {
  GroupConsumer,
  type GroupConsumerDeps,
  type Subscription,
  type SubscriptionOptions,
} from './group.consumer';
import { InboxRepository } from './inbox.repository';
import { KafkaClient } from './kafka.client';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options';

/** Group ids end up in DLQ topic names, so they must be valid in a topic name. */
const GROUP_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Runs the app's Kafka consumer groups. Subscribe from a provider's `onModuleInit`; consumers start
 * when the application has bootstrapped (or at once when subscribing later) and stop, after the
 * messages in flight, before the application shuts down.
 *
 * ```ts
 * consumers.subscribe({
 *   group: 'rentals',
 *   topics: [Topics.payment],
 *   handlers: { 'payment.succeeded': async (event, manager) => { … } },
 * });
 * ```
 */
@Injectable()
export class ConsumerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ConsumerHost.name);
  private readonly groups = new Map<string, GroupConsumer>();
  private readonly deadLetters: DeadLetterPublisher;
  private readonly deps: GroupConsumerDeps;
  private started = false;
  private stopped = false;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    dataSource: DataSource,
    kafka: KafkaClient,
    metrics: MetricsRegistry,
  ) {
    this.deadLetters = new DeadLetterPublisher(kafka);
    this.deps = {
      kafka,
      dataSource,
      inbox: new InboxRepository(options.schema),
      deadLetters: this.deadLetters,
      retry: options.consumerRetry,
      metrics: {
        consumed: metrics.counter({
          name: 'kafka_messages_consumed_total',
          help: 'Kafka messages consumed, by topic, event type and outcome (processed|duplicate|skipped|dlq)',
          labelNames: ['topic', 'type', 'outcome'],
        }),
        deadLettered: metrics.counter({
          name: 'kafka_dlq_total',
          help: 'Messages sent to a dead-letter topic, by source topic and consumer group',
          labelNames: ['topic', 'consumer'],
        }),
        lag: metrics.gauge({
          name: 'kafka_consumer_lag',
          help: 'Messages behind the high watermark after the last batch, by group, topic and partition',
          labelNames: ['group', 'topic', 'partition'],
        }),
      },
    };
  }

  /** Registers a consumer group; throws if the group is already subscribed in this app. */
  subscribe(requested: SubscriptionOptions): Subscription {
    const options = { ...requested, group: `${this.options.groupPrefix}${requested.group}` };
    if (!GROUP_ID.test(options.group)) {
      throw new Error(`invalid consumer group "${options.group}": expected ${GROUP_ID}`);
    }
    if (this.groups.has(options.group)) {
      throw new Error(`consumer group "${options.group}" is already subscribed`);
    }
    if (options.topics.length === 0) {
      throw new Error(`consumer group "${options.group}" subscribes to no topic`);
    }
    if (this.stopped) {
      throw new Error('the consumer host has stopped');
    }
    const topics = options.topics.map((topic) => `${this.options.topicPrefix}${topic}`);
    const consumer = new GroupConsumer(options.group, topics, options, this.deps);
    this.groups.set(options.group, consumer);
    if (this.started) {
      consumer.start();
    }
    return consumer;
  }

  /** Whether this app consumes anything (so Kafka is one of its readiness dependencies). */
  get hasSubscriptions(): boolean {
    return this.groups.size > 0;
  }

  onApplicationBootstrap(): void {
    this.started = true;
    for (const consumer of this.groups.values()) {
      consumer.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const results = await Promise.allSettled([...this.groups.values()].map((consumer) => consumer.stop()));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn(`consumer did not stop cleanly: ${String(result.reason)}`);
      }
    }
    await this.deadLetters.close();
  }
}
