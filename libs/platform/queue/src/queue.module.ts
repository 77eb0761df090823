import { Module, type DynamicModule } from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { JobQueue } from './job-queue';
import { QueueInspector } from './queue-inspector';
import {
  QUEUE_MODULE_OPTIONS,
  resolveQueueOptions,
  type QueueConfig,
  type QueueModuleOptions,
} from './queue.options';
import { QueueRegistry, RESOLVED_QUEUE_OPTIONS } from './queue.registry';
import { WorkerHost } from './worker-host';

/**
 * BullMQ for the whole app: `JobQueue` to enqueue, `WorkerHost` to process, `QueueInspector` to
 * look. Reads `REDIS_URL` from `APP_CONFIG`; needs the platform `HealthModule` and `MetricsModule`.
 */
@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      providers: [
        { provide: QUEUE_MODULE_OPTIONS, useValue: options },
        {
          provide: RESOLVED_QUEUE_OPTIONS,
          inject: [QUEUE_MODULE_OPTIONS, APP_CONFIG],
          useFactory: (moduleOptions: QueueModuleOptions, config: QueueConfig) =>
            resolveQueueOptions(moduleOptions, config),
        },
        QueueRegistry,
        JobQueue,
        WorkerHost,
        QueueInspector,
      ],
      exports: [JobQueue, WorkerHost, QueueInspector],
    };
  }
}
