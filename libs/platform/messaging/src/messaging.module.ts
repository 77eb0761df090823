import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import type { ConfigOf } from '@rentguy/platform/config';
import { assertSchemaName, databaseConfig } from '@rentguy/platform/database';
import { ReadinessRegistry } from '@rentguy/platform/health';
import { InboxTransport } from './consumers/inbox.transport';
import { KafkaClient } from './kafka.client';
import { messagingConfig } from './messaging.config';
import {
  DEFAULT_CONSUMER_RETRY,
  DEFAULT_RELAY_OPTIONS,
  MESSAGING_OPTIONS,
  assertTopicPrefix,
  type MessagingModuleOptions,
  type ResolvedMessagingOptions,
} from './messaging.options';
import { outboxRetentionHandler } from './outbox-retention.handler';
import { OutboxRelay } from './outbox.relay';
import { OutboxWriter } from './outbox.writer';

const KAFKA_READINESS_TIMEOUT_MS = 2_000;

/**
 * Adds `kafka` to the app's readiness checks when the app really talks to Kafka: it relays its
 * outbox or consumes. An app that only writes outbox rows (a worker) depends on Postgres alone.
 */
@Injectable()
class KafkaReadiness implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly readiness: ReadinessRegistry,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay || this.options.consumerGroup) {
      this.readiness.register('kafka', () => this.kafka.ping(KAFKA_READINESS_TIMEOUT_MS));
    }
  }
}

type MessagingConfig = ConfigOf<typeof messagingConfig>;

function resolveOptions(
  options: MessagingModuleOptions,
  config: MessagingConfig,
  database: ConfigOf<typeof databaseConfig>,
): ResolvedMessagingOptions {
  return {
    clientId: config.KAFKA_CLIENT_ID ?? options.clientId,
    schema: assertSchemaName(options.schema),
    relay: options.relay,
    consumerGroup: options.consumerGroup,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
    topicPrefix: assertTopicPrefix(options.topicPrefix ?? ''),
    groupPrefix: config.KAFKA_GROUP_PREFIX,
    databaseUrl: database.DATABASE_URL,
    relayOptions: { ...DEFAULT_RELAY_OPTIONS, ...options.relayOptions },
    consumerRetry: { ...DEFAULT_CONSUMER_RETRY, ...options.consumerRetry },
  };
}

/**
 * Kafka for one service: the transactional outbox (`OutboxWriter`, plus the relay when `relay` is
 * true), the consumer group's inbox transport (`InboxTransport`, when `consumerGroup` is set), the
 * outbox retention job's handler (when `outboxRetentionQueue` is set) and the `kafka` readiness
 * check. Reads `messagingConfig`, and `databaseConfig` for the outbox listener's own connection;
 * needs the app's TypeORM `DataSource`, `ReadinessRegistry` and `MetricsRegistry` (DatabaseModule,
 * HealthModule, MetricsModule), and the app's `QueueModule` when it handles the retention job.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    assertSchemaName(options.schema);
    assertTopicPrefix(options.topicPrefix ?? '');
    const providers: Provider[] = [
      {
        provide: MESSAGING_OPTIONS,
        inject: [messagingConfig.token, databaseConfig.token],
        useFactory: (config: MessagingConfig, database: ConfigOf<typeof databaseConfig>) =>
          resolveOptions(options, config, database),
      },
      {
        provide: KafkaClient,
        inject: [MESSAGING_OPTIONS, messagingConfig.token],
        useFactory: (resolved: ResolvedMessagingOptions, config: MessagingConfig) =>
          new KafkaClient({ clientId: resolved.clientId, brokers: config.KAFKA_BROKERS }),
      },
      KafkaReadiness,
      OutboxWriter,
      ...(options.consumerGroup ? [InboxTransport] : []),
      ...(options.relay ? [OutboxRelay] : []),
      ...(options.outboxRetentionQueue ? [outboxRetentionHandler(options.outboxRetentionQueue)] : []),
    ];
    return {
      module: MessagingModule,
      global: true,
      providers,
      exports: [
        KafkaClient,
        OutboxWriter,
        ...(options.consumerGroup ? [InboxTransport] : []),
        ...(options.relay ? [OutboxRelay] : []),
      ],
    };
  }
}
