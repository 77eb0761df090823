import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@rentguy/platform/database';
import { QueueModule } from '@rentguy/platform/queue';
import { StorageModule } from '@rentguy/platform/storage';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import { ImageWorkerModule } from '@rentguy/rentals/image-worker';
import { platformCoreModules } from '@rentguy/platform/http';
import type { ImageWorkerConfig } from './config';

/** Readiness: postgres and redis (the worker does not use Kafka). */
@Module({})
export class AppModule {
  static register(config: ImageWorkerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules('image-worker', config, { requires: [] }),
        // The rentals app owns the schema and runs its migrations; the worker only reads and updates rows.
        DatabaseModule.forRoot({ schema: rentalsSchema, applicationName: 'image-worker' }),
        QueueModule.forRoot({
          queues: ['images'],
          workers: { images: { concurrency: config.IMAGE_WORKER_CONCURRENCY } },
        }),
        StorageModule.forRoot(),
        ImageWorkerModule,
      ],
    };
  }
}
