import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@rentguy/platform/database';
import { MessagingModule } from '@rentguy/platform/messaging';
import { QueueModule } from '@rentguy/platform/queue';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import { ScreeningWorkerModule } from '@rentguy/rentals/screening-worker';
import { platformCoreModules } from '@rentguy/platform/http';
import type { ScreeningWorkerAppConfig } from './config';

@Module({})
export class AppModule {
  static register(config: ScreeningWorkerAppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformCoreModules('screening-worker', config, { requires: [] }),
        // The rentals app owns the schema and runs its migrations; the worker only reads and updates rows.
        DatabaseModule.forRoot({ schema: rentalsSchema, applicationName: 'screening-worker' }),
        // Writes `application.screened` to the rentals outbox; the rentals app's relay publishes it.
        MessagingModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'screening-worker',
          schema: rentalsSchema.name,
          relay: false,
        }),
        QueueModule.forRoot({
          queues: ['screening'],
          workers: { screening: { concurrency: config.SCREENING_WORKER_CONCURRENCY } },
        }),
        ScreeningWorkerModule,
      ],
    };
  }
}
