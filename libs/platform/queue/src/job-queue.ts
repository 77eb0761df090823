import { Injectable } from '@nestjs/common';
import type { JobData, JobName, QueueName } from '@rentguy/contracts';
import { z } from 'zod';
import { buildJobOptions, type EnqueueOptions } from './job-options';
import { payloadSchema } from './queue-catalog';
import { JobPayloadError } from './queue.errors';
import { QueueRegistry } from './queue.registry';
import { withTimeout } from './with-timeout';

/**
 * Longest wait for Redis to take a job. While Redis is away ioredis holds commands until it is
 * back, which would hold the caller's request just as long; after this the enqueue fails, the
 * caller answers (its work is recorded in its database), and its sweep enqueues the job later. If
 * Redis takes the held command after all, the deterministic job id makes the sweep's a no-op.
 */
const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Enqueues jobs declared in the contracts catalog. Enqueue after the transaction that decided the
 * work has committed (outbox), never inside it.
 */
@Injectable()
export class JobQueue {
  constructor(private readonly registry: QueueRegistry) {}

  /**
   * Validates `data` against the catalog's schema and adds the job with id `jobId(entityId, job)`
   * and the queue's retries and retention. While a job with that id exists (waiting, active,
   * delayed, or kept after completing or failing) enqueueing it again is a no-op.
   * @returns the job id.
   * @throws JobPayloadError when the payload does not match the catalog (a producer bug).
   */
  async enqueue<Q extends QueueName, J extends JobName<Q>>(
    queue: Q,
    job: J,
    data: JobData<Q, J>,
    options: EnqueueOptions,
  ): Promise<string> {
    const schema = payloadSchema(queue, job);
    if (!schema) {
      throw new Error(`Job "${job}" is not declared for queue "${queue}" in the contracts catalog`);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new JobPayloadError(queue, job, z.prettifyError(parsed.error));
    }
    const opts = buildJobOptions(this.registry.jobDefaults(queue), job, options);
    await withTimeout(
      this.registry.queue(queue).add(job, parsed.data, opts),
      ENQUEUE_TIMEOUT_MS,
      `enqueue ${queue}/${job}`,
    );
    return opts.jobId;
  }

  /**
   * Like `enqueue`, but a job with that id that BullMQ kept after it failed for good is moved back
   * to waiting with a fresh attempt budget instead of blocking the id until its retention ends.
   * For sweeps that re-drive work the database still records as unfinished.
   * @returns the job id and whether a failed job was retried.
   */
  async enqueueOrRetryFailed<Q extends QueueName, J extends JobName<Q>>(
    queue: Q,
    job: J,
    data: JobData<Q, J>,
    options: EnqueueOptions,
  ): Promise<{ jobId: string; retried: boolean }> {
    const jobId = await this.enqueue(queue, job, data, options);
    const bullQueue = this.registry.queue(queue);
    if ((await bullQueue.getJobState(jobId)) !== 'failed') {
      return { jobId, retried: false };
    }
    const failed = await bullQueue.getJob(jobId);
    try {
      await failed?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch (error) {
      // Another instance's sweep retried it first: the job is no longer in the failed set.
      if ((await bullQueue.getJobState(jobId)) === 'failed') {
        throw error;
      }
      return { jobId, retried: false };
    }
    return { jobId, retried: failed !== undefined };
  }
}
