export { MessagingModule } from './messaging.module';
export type {
  MessagingConfig,
  MessagingModuleOptions,
  OutboxRelayOptions,
  ConsumerRetryOptions,
} from './messaging.options';
export type { BackoffOptions } from './backoff';
export { KafkaClient, type KafkaClientOptions } from './kafka.client';
export { OutboxWriter, OutboxTransactionError } from './outbox.writer';
export { OutboxRelay } from './outbox.relay';
export { outboxMigrationSql } from './outbox.migration';
export { ConsumerHost } from './consumer.host';
export type { EventHandler, EventHandlers, Subscription, SubscriptionOptions } from './group.consumer';
export { redriveDlq, type RedriveOptions, type RedriveResult } from './dlq.redrive';
