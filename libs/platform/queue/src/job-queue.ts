import { Injectable } from '@nestjs/common';
import type { JobData, JobName, QueueName } from '@rentguy/contracts';
import { z } from 'zod';
import { buildJobOptions, type EnqueueOptions } from './job-options';
import { payloadSchema } from './queue-catalog';
import { JobPayloadError } from './queue.errors';
import { QueueRegistry } from './queue.registry';

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
    await this.registry.queue(queue).add(job, parsed.data, opts);
    return opts.jobId;
  }
}
