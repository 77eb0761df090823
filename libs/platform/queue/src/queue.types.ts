import type { JobData, JobName, QueueName } from '@rentguy/contracts';

/**
 * What a handler reports when it finished as expected. `skipped` is an expected non-event (the
 * entity is gone, the work was already done) and is counted, not retried. Throwing means "retry".
 */
export type JobOutcome = { status: 'done' } | { status: 'skipped'; reason: string };

/** The job names of `Q`, distributed over a union of queues (`JobName` of a union is never). */
type JobNameOf<Q extends QueueName> = Q extends QueueName ? JobName<Q> : never;

/** What a handler may know about the job it runs, without reaching into BullMQ. */
export interface JobContext<Q extends QueueName = QueueName, J extends string = JobNameOf<Q>> {
  readonly queue: Q;
  readonly name: J;
  readonly id: string;
  /** 1-based number of this attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** True when throwing now fails the job for good instead of retrying it. */
  readonly isFinalAttempt: boolean;
}

/** Runs one job of a queue with its payload already validated against the contracts catalog. */
export type JobHandler<Q extends QueueName, J extends JobName<Q>> = (
  data: JobData<Q, J>,
  job: JobContext<Q, J>,
) => Promise<JobOutcome>;

/** Where a job is in its life, as reported by the inspector. */
export type JobStateName =
  'waiting' | 'prioritized' | 'waiting-children' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

/** A read-only copy of a job, for tests and operational tooling. */
export interface JobSnapshot {
  id: string;
  name: string;
  state: JobStateName;
  data: unknown;
  attemptsMade: number;
  maxAttempts: number;
  failedReason?: string;
  returnValue?: unknown;
  /** Epoch milliseconds. */
  finishedOn?: number;
}
