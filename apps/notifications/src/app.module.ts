import { Module, type DynamicModule } from '@nestjs/common';
import { notificationsSchema } from '@rentguy/notifications/data-access';
import { NotificationsModule, notificationsQueueOptions } from '@rentguy/notifications/feature';
import { DatabaseModule } from '@rentguy/platform/database';
import { authProviders, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule, type MessagingModuleOptions } from '@rentguy/platform/messaging';
import { QueueModule, type QueueModuleOptions } from '@rentguy/platform/queue';
import { appConfig, type AppConfig } from './config';

/**
 * What the integration tests change so their run stays apart from others on the shared broker and
 * Redis (and how long retries wait); the app itself passes none.
 */
export interface AppModuleOptions {
  messaging?: Pick<MessagingModuleOptions, 'topicPrefix'>;
  queue?: Pick<QueueModuleOptions, 'prefix' | 'jobDefaults'>;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules(appConfig, config, { requires: ['postgres'] }),
        DatabaseModule.forRoot({ schema: notificationsSchema, applicationName: 'notifications' }),
        // It publishes one event: `audit.recorded`, when an admin reads the delivery ledger.
        MessagingModule.forRoot({
          clientId: 'notifications',
          schema: notificationsSchema.name,
          relay: true,
          outboxRetentionQueue: 'notifications-maintenance',
          consumerGroup: 'notifications',
          ...options.messaging,
        }),
        QueueModule.forRoot({ ...notificationsQueueOptions(config), ...options.queue }),
        NotificationsModule,
      ],
      providers: authProviders,
    };
  }
}
