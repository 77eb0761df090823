import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@rentguy/platform/database';
import { platformCoreModules } from '@rentguy/platform/http';
import { MessagingModule } from '@rentguy/platform/messaging';
import { QueueModule, type QueueModuleOptions } from '@rentguy/platform/queue';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import { ScreeningWorkerModule } from '@rentguy/rentals/screening-worker';
import { appConfig, type AppConfig } from './config';

/**
 * What the integration tests change so their run stays apart from others on the shared Redis (and
 * how long retries wait); the app itself passes none.
 */
export interface AppModuleOptions {
  queue?: Pick<QueueModuleOptions, 'prefix' | 'jobDefaults'>;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules(appConfig, config, { requires: [] }),
        // The rentals app owns the schema and runs its migrations; the worker only reads and updates rows.
        DatabaseModule.forRoot({ schema: rentalsSchema, applicationName: 'screening-worker' }),
        // Writes `application.screened` to the rentals outbox; the rentals app's relay publishes it.
        MessagingModule.forRoot({ clientId: 'screening-worker', schema: rentalsSchema.name, relay: false }),
        QueueModule.forRoot({
          queues: ['screening'],
          workers: { screening: { concurrency: config.SCREENING_WORKER_CONCURRENCY } },
          ...options.queue,
        }),
        ScreeningWorkerModule,
      ],
    };
  }
}
