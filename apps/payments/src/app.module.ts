import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@rentguy/platform/database';
import { authProviders, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule, type MessagingModuleOptions } from '@rentguy/platform/messaging';
import { QueueModule, type QueueModuleOptions } from '@rentguy/platform/queue';
import { paymentsSchema } from '@rentguy/payments/data-access';
import { PaymentsModule, paymentsQueueOptions } from '@rentguy/payments/feature';
import { appConfig, type AppConfig } from './config';

/**
 * What the integration tests change so their run stays apart from others on the shared database,
 * broker and Redis; the app itself passes none.
 */
export interface AppModuleOptions {
  /** The PostgreSQL schema of the service's tables, outbox and inbox (default `payments`). */
  schema?: string;
  messaging?: Pick<MessagingModuleOptions, 'topicPrefix'>;
  queue?: Pick<QueueModuleOptions, 'prefix'>;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    const schema = { ...paymentsSchema, name: options.schema ?? paymentsSchema.name };
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules(appConfig, config, { requires: ['postgres'] }),
        DatabaseModule.forRoot({ schema, applicationName: 'payments' }),
        MessagingModule.forRoot({
          clientId: 'payments',
          schema: schema.name,
          relay: true,
          consumerGroup: 'payments',
          outboxRetentionQueue: 'payments-maintenance',
          ...options.messaging,
        }),
        QueueModule.forRoot({ ...paymentsQueueOptions(config), ...options.queue }),
        PaymentsModule,
      ],
      providers: authProviders,
    };
  }
}
