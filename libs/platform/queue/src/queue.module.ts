import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { APP_CONFIG } from '@rentguy/platform/config';
import { JobHandlerExplorer } from './job-handler.explorer';
import { JobQueue } from './job-queue';
import { JobSchedulers } from './job-schedulers';
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
 * BullMQ for the whole app: `JobQueue` to enqueue, workers that run the `@OnJob` methods of the
 * app's providers, job schedulers for periodic jobs (`JobSchedulers`), `QueueInspector` to look. Reads `REDIS_URL` from `APP_CONFIG`; needs the platform `HealthModule` and `MetricsModule`.
 */
@Module({})
export class QueueModule {
  static forRoot(options: QueueModuleOptions): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [DiscoveryModule],
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
        JobHandlerExplorer,
        WorkerHost,
        JobSchedulers,
        QueueInspector,
      ],
      exports: [JobQueue, JobSchedulers, QueueInspector],
    };
  }
}
