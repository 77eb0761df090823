import { Module, type DynamicModule } from '@nestjs/common';
import { LISTING_CACHE_PREFIX } from '@rentguy/contracts';
import { CacheModule, type CacheModuleOptions } from '@rentguy/platform/cache';
import { DatabaseModule } from '@rentguy/platform/database';
import { platformCoreModules } from '@rentguy/platform/http';
import { QueueModule, type QueueModuleOptions } from '@rentguy/platform/queue';
import { StorageModule } from '@rentguy/platform/storage';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import { ImageWorkerModule } from '@rentguy/rentals/image-worker';
import { appConfig, type AppConfig } from './config';

/**
 * What the integration tests change so their run stays apart from others on the shared Redis (and
 * how long retries wait); the app itself passes none.
 */
export interface AppModuleOptions {
  queue?: Pick<QueueModuleOptions, 'prefix' | 'jobDefaults'>;
  cache?: CacheModuleOptions;
}

/** Readiness: postgres and redis (the worker does not use Kafka). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules(appConfig, config, { requires: [] }),
        // The rentals app owns the schema and runs its migrations; the worker only reads and updates rows.
        DatabaseModule.forRoot({ schema: rentalsSchema, applicationName: 'image-worker' }),
        QueueModule.forRoot({
          queues: ['images'],
          workers: { images: { concurrency: config.IMAGE_WORKER_CONCURRENCY } },
          ...options.queue,
        }),
        StorageModule.forRoot(),
        // Only to invalidate rentals' cached pages of a property whose image it finished.
        CacheModule.forRoot({ prefix: LISTING_CACHE_PREFIX, ...options.cache }),
        ImageWorkerModule,
      ],
    };
  }
}
