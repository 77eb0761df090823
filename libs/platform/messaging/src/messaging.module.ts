import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type Provider,
} from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { ReadinessRegistry } from '@rentguy/platform/health';
import { ConsumerHost } from './consumer.host';
import { KafkaClient } from './kafka.client';
import {
  DEFAULT_CONSUMER_RETRY,
  DEFAULT_RELAY_OPTIONS,
  MESSAGING_OPTIONS,
  assertTopicPrefix,
  type MessagingConfig,
  type MessagingModuleOptions,
  type ResolvedMessagingOptions,
} from './messaging.options';
import { assertSchemaName } from './outbox.migration';
import { OutboxRelay } from './outbox.relay';
import { OutboxWriter } from './outbox.writer';

const KAFKA_READINESS_TIMEOUT_MS = 2_000;

/**
 * Adds `kafka` to the app's readiness checks when the app really talks to Kafka: it relays its
 * outbox or consumes. An app that only writes outbox rows (a worker) depends on Postgres alone.
 * Runs at bootstrap, after every module has subscribed its consumers.
 */
@Injectable()
class KafkaReadiness implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaClient,
    private readonly readiness: ReadinessRegistry,
    private readonly consumers: ConsumerHost,
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay || this.consumers.hasSubscriptions) {
      this.readiness.register('kafka', () => this.kafka.ping(KAFKA_READINESS_TIMEOUT_MS));
    }
  }
}

function resolveOptions(
  options: MessagingModuleOptions,
  config: Partial<MessagingConfig>,
): ResolvedMessagingOptions {
  const missing = (['KAFKA_BROKERS', 'DATABASE_URL'] as const).filter((key) => !config[key]);
  if (missing.length > 0) {
    throw new Error(
      `MessagingModule needs ${missing.join(' and ')} in the app config (kafkaConfig, databaseConfig)`,
    );
  }
  return {
    clientId: options.clientId,
    schema: assertSchemaName(options.schema),
    relay: options.relay,
    topicPrefix: assertTopicPrefix(options.topicPrefix ?? ''),
    groupPrefix: config.KAFKA_GROUP_PREFIX ?? '',
    databaseUrl: config.DATABASE_URL as string,
    relayOptions: { ...DEFAULT_RELAY_OPTIONS, ...options.relayOptions },
    consumerRetry: { ...DEFAULT_CONSUMER_RETRY, ...options.consumerRetry },
  };
}

/**
 * Kafka for one service: the transactional outbox (`OutboxWriter`, plus the relay when `relay` is
 * true), idempotent consumers (`ConsumerHost`) and the `kafka` readiness check. Reads `KAFKA_BROKERS`
 * and `DATABASE_URL` from `APP_CONFIG`; needs the app's TypeORM `DataSource`, `ReadinessRegistry`
 * and `MetricsRegistry` (DatabaseModule, HealthModule, MetricsModule).
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    assertSchemaName(options.schema);
    assertTopicPrefix(options.topicPrefix ?? '');
    const providers: Provider[] = [
      {
        provide: MESSAGING_OPTIONS,
        inject: [APP_CONFIG],
        useFactory: (config: Partial<MessagingConfig>) => resolveOptions(options, config),
      },
      {
        provide: KafkaClient,
        inject: [APP_CONFIG],
        useFactory: (config: MessagingConfig) =>
          new KafkaClient({ clientId: options.clientId, brokers: config.KAFKA_BROKERS }),
      },
      KafkaReadiness,
      OutboxWriter,
      ConsumerHost,
      ...(options.relay ? [OutboxRelay] : []),
    ];
    return {
      module: MessagingModule,
      global: true,
      providers,
      exports: [KafkaClient, OutboxWriter, ConsumerHost, ...(options.relay ? [OutboxRelay] : [])],
    };
  }
}
