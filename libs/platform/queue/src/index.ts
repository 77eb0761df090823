export { QueueModule } from './queue.module';
export { queueConfig } from './queue.config';
export { DEFAULT_QUEUE_PREFIX, type QueueModuleOptions, type WorkerOptions } from './queue.options';
export { OnJob } from './on-job.decorator';
export type { JobContext, JobHandler, JobOutcome, JobSnapshot, JobStateName } from './queue.types';
export { JobPayloadError, WorkerBootError } from './queue.errors';
export {
  queueJobDefaults,
  type EnqueueOptions,
  type QueueJobDefaults,
  type QueueJobDefaultsOverrides,
} from './job-options';
export { JobQueue } from './job-queue';
export { JobSchedulers } from './job-schedulers';
export { QueueInspector, type JobCounts } from './queue-inspector';
export { QueueRegistry } from './queue.registry';
