import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { consumerGroups, topicsOfGroup, type ConsumerGroup, type EventType } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { DeadLetterPublisher } from '../dead-letter.publisher';
import { InboxRepository } from '../inbox.repository';
import { KafkaClient } from '../kafka.client';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from '../messaging.options';
import { GroupConsumer, type GroupConsumerDeps, type InboxHandler } from './group.consumer';
import { InboxContext } from './inbox.context';
import { describeError } from '@rentguy/platform/errors';

/** Group ids end up in DLQ topic names, so they must be valid in a topic name. */
const GROUP_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Why a service's event handlers do not match its consumer group: the app must not boot. */
export class EventHandlerSetError extends Error {
  constructor(group: string, problems: string[]) {
    super(`consumer group "${group}": ${problems.join('; ')}`);
    this.name = 'EventHandlerSetError';
  }
}

/** What is wrong with the handlers Nest registered for a group (empty when nothing is). */
export function findEventHandlerProblems(
  group: ConsumerGroup,
  handlers: ReadonlyMap<string, MessageHandler>,
): string[] {
  const subscribed: readonly EventType[] = consumerGroups[group];
  const problems: string[] = [];
  for (const type of subscribed) {
    const handler = handlers.get(type);
    if (!handler) {
      problems.push(`no @OnEvent('${type}') handler`);
    } else if (handler.next) {
      problems.push(`more than one @OnEvent('${type}') handler`);
    }
  }
  for (const pattern of handlers.keys()) {
    if (!(subscribed as readonly string[]).includes(pattern)) {
      problems.push(
        `a handler for "${pattern}", which the group does not consume (its topics: ${topicsOfGroup(group).join(', ')})`,
      );
    }
  }
  return problems;
}

/**
 * The Nest transport (`CustomTransportStrategy`) behind every Kafka consumer: Nest registers the
 * app's `@OnEvent` controller methods on it, and it runs them through the inbox engine of the app's
 * consumer group (declared in `libs/contracts` `consumerGroups`). Connected by `startEventConsumers`.
 */
@Injectable()
export class InboxTransport extends Server implements CustomTransportStrategy, BeforeApplicationShutdown {
  // Failures must reach the engine (retry, DLQ), not be logged and dropped by Nest.
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(InboxTransport.name);
  private consumer?: GroupConsumer;
  private stopped?: Promise<void>;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly kafka: KafkaClient,
    private readonly transactions: TransactionRunner,
    private readonly metrics: MetricsRegistry,
  ) {
    super();
  }

  /** Resolves once the group has joined Kafka for the first time (tests wait for it). */
  async ready(): Promise<void> {
    await this.consumer?.ready();
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      this.consumer = this.createConsumer();
      this.consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops before the app's pools close: the message in flight finishes, then the group is left. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.close();
  }

  close(): Promise<void> {
    this.stopped ??= this.stop();
    return this.stopped;
  }

  on(): never {
    throw new Error('InboxTransport has no events to listen to');
  }

  unwrap<T>(): T {
    throw new Error('InboxTransport does not expose its kafkajs consumer');
  }

  private createConsumer(): GroupConsumer {
    const { consumerGroup } = this.options;
    if (!consumerGroup) {
      throw new Error('MessagingModule.forRoot({ consumerGroup }) is not set: this app consumes nothing');
    }
    const handlers = this.getHandlers();
    const problems = findEventHandlerProblems(consumerGroup, handlers);
    if (problems.length > 0) {
      throw new EventHandlerSetError(consumerGroup, problems);
    }
    const group = `${this.options.groupPrefix}${consumerGroup}`;
    if (!GROUP_ID.test(group)) {
      throw new Error(`invalid consumer group "${group}": expected ${GROUP_ID}`);
    }
    const inboxHandlers = new Map<string, InboxHandler>();
    for (const [type, handler] of handlers) {
      inboxHandlers.set(type, async (envelope, tx, origin) => {
        const result = await handler(envelope, new InboxContext([envelope, tx, origin]));
        await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
      });
    }
    return new GroupConsumer(
      {
        group,
        topics: topicsOfGroup(consumerGroup).map((topic) => `${this.options.topicPrefix}${topic}`),
        handlers: inboxHandlers,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      },
      this.engineDeps(),
    );
  }

  private async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    try {
      await consumer?.stop();
    } catch (error) {
      this.logger.warn(`consumer did not stop cleanly: ${describeError(error)}`);
    }
    await this.deadLetters?.close();
  }

  private deadLetters?: DeadLetterPublisher;

  private engineDeps(): GroupConsumerDeps {
    this.deadLetters = new DeadLetterPublisher(this.kafka);
    return {
      kafka: this.kafka,
      transactions: this.transactions,
      inbox: new InboxRepository(this.options.schema),
      deadLetters: this.deadLetters,
      retry: this.options.consumerRetry,
      metrics: {
        consumed: this.metrics.counter({
          name: 'kafka_messages_consumed_total',
          help: 'Kafka messages consumed, by topic, event type and outcome (processed|duplicate|skipped|dlq)',
          labelNames: ['topic', 'type', 'outcome'],
        }),
        deadLettered: this.metrics.counter({
          name: 'kafka_dlq_total',
          help: 'Messages sent to a dead-letter topic, by source topic and consumer group',
          labelNames: ['topic', 'consumer'],
        }),
        lag: this.metrics.gauge({
          name: 'kafka_consumer_lag',
          help: 'Messages behind the high watermark after the last batch, by group, topic and partition',
          labelNames: ['group', 'topic', 'partition'],
        }),
      },
    };
  }
}
