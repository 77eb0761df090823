import { Module, type DynamicModule } from '@nestjs/common';
import { LISTING_CACHE_PREFIX } from '@rentguy/contracts';
import { CacheModule, type CacheModuleOptions } from '@rentguy/platform/cache';
import { DatabaseModule } from '@rentguy/platform/database';
import { authProviders, platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule, type MessagingModuleOptions } from '@rentguy/platform/messaging';
import { QueueModule, type QueueModuleOptions } from '@rentguy/platform/queue';
import { StorageModule } from '@rentguy/platform/storage';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import { RentalsFeatureModule, rentalsQueueOptions } from '@rentguy/rentals/feature';
import { appConfig, type AppConfig } from './config';

/**
 * What the integration tests change so their run stays apart from others on the shared database,
 * broker and Redis; the app itself passes none.
 */
export interface AppModuleOptions {
  messaging?: Partial<Pick<MessagingModuleOptions, 'topicPrefix' | 'relay'>>;
  queue?: Pick<QueueModuleOptions, 'prefix'>;
  cache?: CacheModuleOptions;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules(appConfig, config, { requires: ['postgres'] }),
        DatabaseModule.forRoot({ schema: rentalsSchema, applicationName: 'rentals' }),
        MessagingModule.forRoot({
          clientId: 'rentals',
          schema: rentalsSchema.name,
          relay: true,
          consumerGroup: 'rentals',
          outboxRetentionQueue: 'rentals-maintenance',
          ...options.messaging,
        }),
        QueueModule.forRoot({ ...rentalsQueueOptions(config), ...options.queue }),
        StorageModule.forRoot(),
        CacheModule.forRoot({ prefix: LISTING_CACHE_PREFIX, ...options.cache }),
        RentalsFeatureModule,
      ],
      providers: authProviders,
    };
  }
}
