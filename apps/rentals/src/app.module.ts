import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DatabaseModule } from '@rentguy/platform/database';
import { AccessTokenVerifier, AuthGuard, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule } from '@rentguy/platform/messaging';
import { QueueModule } from '@rentguy/platform/queue';
import { StorageModule } from '@rentguy/platform/storage';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import { RentalsFeatureModule, rentalsQueueOptions } from '@rentguy/rentals/feature';
import type { RentalsConfig } from './config';

@Module({})
export class AppModule {
  static register(config: RentalsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules('rentals', config, { requires: ['postgres'] }),
        DatabaseModule.forRoot({ schema: rentalsSchema, applicationName: 'rentals' }),
        MessagingModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'rentals',
          schema: rentalsSchema.name,
          relay: true,
          consumerGroup: 'rentals',
          outboxRetentionQueue: 'rentals-maintenance',
        }),
        QueueModule.forRoot(rentalsQueueOptions(config)),
        StorageModule.forRoot(),
        RentalsFeatureModule,
      ],
      providers: [AccessTokenVerifier, { provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
