import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ConfigOf } from '@rentguy/platform/config';
import { lifecycleConfig } from '@rentguy/platform/health';
import { JobHandlerExplorer } from './job-handler.explorer';
import { JobQueue } from './job-queue';
import { JobSchedulers } from './job-schedulers';
import { QueueInspector } from './queue-inspector';
import { queueConfig } from './queue.config';
import { QUEUE_MODULE_OPTIONS, resolveQueueOptions, type QueueModuleOptions } from './queue.options';
import { QueueRegistry, RESOLVED_QUEUE_OPTIONS } from './queue.registry';
import { WorkerHost } from './worker-host';

/**
 * BullMQ for the whole app: `JobQueue` to enqueue, workers that run the `@OnJob` methods of the
 * app's providers, job schedulers for periodic jobs (`JobSchedulers`), `QueueInspector` to look. Reads
 * `queueConfig` and the shutdown timing of `lifecycleConfig`; needs the platform `HealthModule` and
 * `MetricsModule`.
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
          inject: [QUEUE_MODULE_OPTIONS, queueConfig.token, lifecycleConfig.token],
          useFactory: (
            moduleOptions: QueueModuleOptions,
            config: ConfigOf<typeof queueConfig>,
            lifecycle: ConfigOf<typeof lifecycleConfig>,
          ) => resolveQueueOptions(moduleOptions, config, lifecycle),
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
