export { MessagingModule } from './messaging.module';
export { messagingConfig } from './messaging.config';
export type {
  MessagingModuleOptions,
  OutboxRelayOptions,
  OutboxRetentionQueue,
  ConsumerRetryOptions,
} from './messaging.options';
export type { BackoffOptions } from './backoff';
export { KafkaClient, type KafkaClientOptions, type KafkaConsumer, type KafkaProducer } from './kafka.client';
export { decodeHeaders } from './event-headers';
export { OutboxWriter, OutboxTransactionError } from './outbox.writer';
export { OutboxRelay } from './outbox.relay';
export { outboxMigration, outboxMigrationSql } from './outbox.migration';
export { startEventConsumers } from './consumers/event-consumers';
export { InboxContext, type MessageOrigin } from './consumers/inbox.context';
export { InboxTransport, EventHandlerSetError, findEventHandlerProblems } from './consumers/inbox.transport';
export { OnEvent, type EventHandlerMethod } from './consumers/on-event.decorator';
export { redriveDlq, type RedriveOptions, type RedriveResult } from './dlq.redrive';
