import { Injectable } from '@nestjs/common';
import type { QueueName } from '@rentguy/contracts';
import { QueueRegistry } from './queue.registry';
import type { JobSnapshot } from './queue.types';

export type JobCounts = Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>;

/** Read-only views of queues and jobs, for operational tooling and tests. */
@Injectable()
export class QueueInspector {
  constructor(private readonly registry: QueueRegistry) {}

  /** The job with id `id` (see `jobId()` of the contracts), or undefined once it has been removed. */
  async getJob(queue: QueueName, id: string): Promise<JobSnapshot | undefined> {
    const bullQueue = this.registry.queue(queue);
    // State first: a job hash read afterwards is at least as recent, so a snapshot never shows
    // `completed` without its finishedOn or `failed` without the attempt counted.
    const state = await bullQueue.getJobState(id);
    const job = await bullQueue.getJob(id);
    if (!job?.id) {
      return undefined;
    }
    return {
      id: job.id,
      name: job.name,
      state,
      data: job.data,
      attemptsMade: job.attemptsMade,
      maxAttempts: job.opts.attempts ?? 1,
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
      ...(job.returnvalue !== null && job.returnvalue !== undefined ? { returnValue: job.returnvalue } : {}),
      ...(job.finishedOn ? { finishedOn: job.finishedOn } : {}),
    };
  }

  async getJobCounts(queue: QueueName): Promise<JobCounts> {
    const counts = await this.registry
      .queue(queue)
      .getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }
}
