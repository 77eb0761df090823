import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { notificationsSchema } from '@rentguy/notifications/data-access';
import { NotificationsModule, notificationsQueueOptions } from '@rentguy/notifications/feature';
import { DatabaseModule } from '@rentguy/platform/database';
import { AccessTokenVerifier, AuthGuard, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule } from '@rentguy/platform/messaging';
import { QueueModule } from '@rentguy/platform/queue';
import type { NotificationsAppConfig } from './config';

@Module({})
export class AppModule {
  static register(config: NotificationsAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules('notifications', config, { requires: ['postgres'] }),
        DatabaseModule.forRoot({ schema: notificationsSchema, applicationName: 'notifications' }),
        // No relay yet: the service publishes no events until `notifications.delivery.v1` is specified.
        MessagingModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'notifications',
          schema: notificationsSchema.name,
          relay: false,
          consumerGroup: 'notifications',
        }),
        QueueModule.forRoot(notificationsQueueOptions(config)),
        NotificationsModule,
      ],
      providers: [AccessTokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
