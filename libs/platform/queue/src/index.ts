export { QueueModule } from './queue.module';
export { DEFAULT_QUEUE_PREFIX, type QueueConfig, type QueueModuleOptions } from './queue.options';
export type {
  JobContext,
  JobHandler,
  JobHandlers,
  JobOutcome,
  JobSnapshot,
  JobStateName,
} from './queue.types';
export { JobPayloadError, WorkerBootError } from './queue.errors';
export {
  queueJobDefaults,
  type EnqueueOptions,
  type QueueJobDefaults,
  type QueueJobDefaultsOverrides,
} from './job-options';
export { JobQueue } from './job-queue';
export { WorkerHost, type WorkerStartOptions } from './worker-host';
export { QueueInspector, type JobCounts } from './queue-inspector';
/** Helpers for integration tests only (random prefixes, obliterate, raw jobs, waiting for a state). */
export * as queueTesting from './queue.testing';
