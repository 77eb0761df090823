import { randomInt, randomUUID } from 'node:crypto';
import {
  Controller,
  Inject,
  Injectable,
  Module,
  type INestApplicationContext,
  type LogLevel,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { ConsumerGroup, EventData, EventEnvelope } from '@rentguy/contracts';
import {
  DatabaseModule,
  databaseConfig,
  migrateSchema,
  migrationSchemaOf,
  type Tx,
} from '@rentguy/platform/database';
import { HealthModule, lifecycleConfig, ReadinessRegistry } from '@rentguy/platform/health';
import { MetricsModule, MetricsRegistry } from '@rentguy/platform/metrics';
import {
  InboxContext,
  InboxTransport,
  KafkaClient,
  MessagingModule,
  messagingConfig,
  OnEvent,
  OutboxRelay,
  OutboxWriter,
  decodeHeaders,
  outboxMigration,
  startEventConsumers,
  type ConsumerRetryOptions,
  type KafkaConsumer,
  type KafkaProducer,
  type OutboxRelayOptions,
} from '@rentguy/platform/messaging';
import { OnJob, QueueModule, queueConfig, type JobOutcome } from '@rentguy/platform/queue';
import { queueTesting } from '@rentguy/testing/queue';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';

// Integration tests only (never exported from the library): real PostgreSQL and Kafka (and Redis for
// an app that works a queue), started by the jest globalSetup (tools/test/integration-setup.js).
const env = testEnvironment();

/** Nest log levels for test apps: none, unless the spec's debug flag (MESSAGING_TEST_LOGS=1) is set. */
export function testLogLevels(flag: string | undefined): LogLevel[] | false {
  return flag === '1' ? ['error', 'warn', 'log'] : false;
}

/** Lowercase letters only, so it fits schema names (/^[a-z_]+$/) and topic names alike. */
export function randomName(length = 10): string {
  return Array.from({ length }, () => String.fromCharCode(97 + randomInt(26))).join('');
}

/** A topic prefix unique to one test, so tests never see each other's messages. */
export function testTopicPrefix(): string {
  return `test.${randomName()}.`;
}

/** Polls `probe` until it returns something other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  {
    timeoutMs = 20_000,
    intervalMs = 50,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Cleanups run in reverse order of registration, each even if an earlier one failed. */
export class Cleanup {
  private readonly tasks: (() => Promise<unknown>)[] = [];

  add(task: () => Promise<unknown>): void {
    this.tasks.push(task);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.tasks.length > 0) {
      const task = this.tasks.pop() as () => Promise<unknown>;
      await task().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) {
      throw new AggregateError(errors, 'cleanup failed');
    }
  }
}

export interface TestSchema {
  name: string;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/**
 * A throwaway schema `msg_test_<random>`, migrated the way a service's is (`migrateSchema`): the
 * outbox migration, then `extraDdl` of the test's own tables.
 */
export async function createTestSchema(
  extraDdl: (schema: string) => string[] = () => [],
): Promise<TestSchema> {
  const name = `msg_test_${randomName()}`;
  class CreateTestTables1767000000001 implements MigrationInterface {
    name = 'CreateTestTables1767000000001';

    async up(queryRunner: QueryRunner): Promise<void> {
      for (const sql of extraDdl(migrationSchemaOf(queryRunner))) {
        await queryRunner.query(sql);
      }
    }

    async down(): Promise<void> {
      // The test drops the whole schema.
    }
  }
  await migrateSchema(
    { name, migrations: [outboxMigration('CreateOutbox1767000000000'), CreateTestTables1767000000001] },
    { url: env.databaseUrl, applicationName: 'messaging-int-test-migrate' },
  );
  const client = new Client({ connectionString: env.databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  return {
    name,
    query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
    drop: async () => {
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** What a test app does with each `payment.succeeded` it consumes (in the inbox transaction). */
export type PaymentSucceededHandler = (event: EventEnvelope<'payment.succeeded'>, tx: Tx) => Promise<void>;

const TEST_HANDLER = Symbol('TEST_HANDLER');

/** The consumer group `rentals` of a test app: its one event handler delegates to the test's. */
@Controller()
class PaymentSucceededTestConsumer {
  constructor(@Inject(TEST_HANDLER) private readonly handle: PaymentSucceededHandler) {}

  @OnEvent('payment.succeeded')
  async onPaymentSucceeded(
    @Payload() event: EventEnvelope<'payment.succeeded'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.handle(event, inbox.tx);
  }

  // The group's other events: acknowledged, and nothing else (these tests publish none).
  @OnEvent('refund.succeeded')
  onRefundSucceeded(): Promise<void> {
    return Promise.resolve();
  }

  @OnEvent('refund.failed')
  onRefundFailed(): Promise<void> {
    return Promise.resolve();
  }
}

export interface TestAppOptions {
  schema: string;
  relay: boolean;
  topicPrefix: string;
  clientId?: string;
  relayOptions?: Partial<OutboxRelayOptions>;
  consumerRetry?: Partial<ConsumerRetryOptions>;
  /** Nest log levels to print (default none; set MESSAGING_TEST_LOGS=1 in the spec to debug). */
  logLevels?: LogLevel[] | false;
  /**
   * Makes the app consume as the `rentals` group (prefixed with `groupPrefix`, so tests never share
   * offsets or inbox rows), handling `payment.succeeded` with this function.
   */
  consume?: PaymentSucceededHandler;
  groupPrefix?: string;
  /** The group the app claims to run (default `rentals`, the one `consume` matches). */
  consumerGroup?: ConsumerGroup;
  /**
   * Makes the app work `payments-maintenance` (under a BullMQ prefix of its own, schedulers off)
   * with the outbox's `outbox.prune` handler (`outboxRetentionQueue`); the queue's other jobs get
   * handlers that do nothing.
   */
  maintenance?: boolean;
}

/** The jobs of `payments-maintenance` that are not the outbox's, for an app that works the queue. */
@Injectable()
class OtherMaintenanceJobs {
  @OnJob('payments-maintenance', 'payments.reconcile')
  reconcile(): Promise<JobOutcome> {
    return Promise.resolve({ status: 'skipped', reason: 'not under test' });
  }

  @OnJob('payments-maintenance', 'webhook-inbox.sweep')
  sweep(): Promise<JobOutcome> {
    return Promise.resolve({ status: 'skipped', reason: 'not under test' });
  }
}

export interface TestApp {
  app: INestApplicationContext;
  writer: OutboxWriter;
  /** The running consumer group, when the app consumes. */
  consumers?: InboxTransport;
  kafka: KafkaClient;
  dataSource: DataSource;
  metrics: MetricsRegistry;
  readiness: ReadinessRegistry;
  relay?: OutboxRelay;
  close(): Promise<void>;
}

/**
 * An app of the messaging library: the config, metrics, health, database and messaging modules as
 * the apps import them, with a consumer controller of the test's.
 */
export async function startMessagingApp(options: TestAppOptions): Promise<TestApp> {
  const config = testConfigModule(
    'rentals',
    [databaseConfig, messagingConfig, queueConfig, lifecycleConfig],
    {
      DATABASE_URL: env.databaseUrl,
      DATABASE_POOL_SIZE: '5',
      DATABASE_SLOW_QUERY_MS: '5000',
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      REDIS_URL: env.redisUrl,
      ...(options.groupPrefix ? { KAFKA_GROUP_PREFIX: options.groupPrefix } : {}),
    },
  );
  const consume = options.consume;
  const maintenance = options.maintenance
    ? {
        imports: [
          QueueModule.forRoot({
            queues: ['payments-maintenance'],
            workers: { 'payments-maintenance': {} },
            schedules: {
              'payments-reconciliation': 0,
              'payments-webhook-inbox': 0,
              'payments-outbox-retention': 0,
            },
            prefix: queueTesting.randomPrefix(),
          }),
        ],
        providers: [OtherMaintenanceJobs],
      }
    : { imports: [], providers: [] };

  @Module({
    imports: [
      config,
      MetricsModule,
      HealthModule.forRoot({ requires: [] }),
      DatabaseModule.forRoot({
        schema: { name: options.schema, migrations: [] },
        applicationName: 'messaging-int-test',
      }),
      MessagingModule.forRoot({
        clientId: options.clientId ?? 'messaging-int-test',
        schema: options.schema,
        relay: options.relay,
        topicPrefix: options.topicPrefix,
        relayOptions: options.relayOptions,
        consumerRetry: options.consumerRetry,
        ...(consume ? { consumerGroup: options.consumerGroup ?? 'rentals' } : {}),
        ...(options.maintenance ? { outboxRetentionQueue: 'payments-maintenance' as const } : {}),
      }),
      ...maintenance.imports,
    ],
    controllers: consume ? [PaymentSucceededTestConsumer] : [],
    providers: [...(consume ? [{ provide: TEST_HANDLER, useValue: consume }] : []), ...maintenance.providers],
  })
  class MessagingTestAppModule {}

  let app: INestApplicationContext;
  if (consume) {
    // Consumers are connected the way the apps connect them (startEventConsumers on a Nest app).
    const http = await NestFactory.create(MessagingTestAppModule, new FastifyAdapter(), {
      logger: options.logLevels ?? false,
      abortOnError: false,
    });
    try {
      await startEventConsumers(http);
    } catch (error) {
      await http.close();
      throw error;
    }
    await http.init();
    await http.get(InboxTransport).ready();
    app = http;
  } else {
    app = await NestFactory.createApplicationContext(MessagingTestAppModule, {
      logger: options.logLevels ?? false,
      abortOnError: false,
    });
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    writer: app.get(OutboxWriter),
    consumers: consume ? app.get(InboxTransport) : undefined,
    kafka: app.get(KafkaClient),
    dataSource: app.get(DataSource),
    metrics: app.get(MetricsRegistry),
    readiness: app.get(ReadinessRegistry),
    relay: options.relay ? app.get(OutboxRelay) : undefined,
    close: () =>
      (closing ??= (async () => {
        try {
          if (options.maintenance) {
            await queueTesting.obliterateQueues(app);
          }
        } finally {
          await app.close();
        }
      })()),
  };
}

export function testKafka(): KafkaClient {
  return new KafkaClient({ clientId: `messaging-int-test-${randomName(4)}`, brokers: env.kafkaBrokers });
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Reads topics from the beginning with a fresh group and keeps every message it sees. */
export class TopicReader {
  readonly messages: ReceivedMessage[] = [];

  private constructor(private readonly consumer: KafkaConsumer) {}

  static async start(kafka: KafkaClient, topics: string[]): Promise<TopicReader> {
    const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        reader.messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: decodeHeaders(message.headers),
        });
      },
    });
    return reader;
  }

  /** Event ids of the envelopes read so far, in arrival order. */
  eventIds(): string[] {
    return this.messages.map((m) => (JSON.parse(m.value ?? '{}') as { id?: string }).id ?? '');
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** A connected plain producer for sending raw messages (duplicates, poison) in tests. */
export async function rawProducer(kafka: KafkaClient): Promise<KafkaProducer> {
  const producer = kafka.producer();
  await producer.connect();
  return producer;
}

/** Sum of the messages currently stored in a topic (high minus low watermark over partitions). */
export async function topicMessageCount(kafka: KafkaClient, topic: string): Promise<number> {
  const offsets = await kafka.topicOffsets(topic);
  return offsets.reduce((sum, { low, high }) => sum + Number(high) - Number(low), 0);
}

export function paymentSucceeded(
  overrides: Partial<EventData<'payment.succeeded'>> = {},
): EventData<'payment.succeeded'> {
  return {
    paymentId: randomUUID(),
    bookingId: randomUUID(),
    provider: 'stripe',
    providerPaymentId: `pi_${randomName(8)}`,
    amount: 12_500,
    currency: 'EUR',
    ...overrides,
  };
}

/** The value of one sample of a metric in the app's registry (undefined when absent). */
export async function metricValue(
  metrics: MetricsRegistry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) {
    return undefined;
  }
  const { values } = await metric.get();
  const sample = values.find((v) =>
    Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want),
  );
  return sample?.value;
}
