import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { jobId, jobSchedulers, type JobSchedulerId } from '@rentguy/contracts';
import { retryAndRetention } from './job-options';
import { QueueRegistry } from './queue.registry';

/**
 * Keeps the app's BullMQ job schedulers (`QueueModule.forRoot({ schedules })`): at bootstrap each
 * is upserted with its interval, or removed when the interval is 0. The scheduler id comes from the
 * contracts, so every replica upserts the same scheduler and the queue adds one job per interval
 * across all of them; the job has the queue's retries and retention and runs through its worker.
 */
@Injectable()
export class JobSchedulers implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobSchedulers.name);

  constructor(private readonly registry: QueueRegistry) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const [id, every] of this.registry.options.schedules) {
      const { queue, job } = jobSchedulers[id];
      const bullQueue = this.registry.queue(queue);
      if (every === 0) {
        if (await bullQueue.removeJobScheduler(id)) {
          this.logger.log(`job scheduler "${id}" removed (interval 0)`);
        }
        continue;
      }
      await bullQueue.upsertJobScheduler(
        id,
        { every },
        { name: job, data: {}, opts: retryAndRetention(this.registry.jobDefaults(queue)) },
      );
      this.logger.log(`job scheduler "${id}" adds "${queue}"/"${job}" every ${every} ms`);
    }
  }

  /**
   * Adds one run of the scheduler's job now, besides the scheduled ones (operators, tests). It goes
   * through the queue and its worker like a scheduled run.
   * @returns the job id.
   */
  async runNow(id: JobSchedulerId): Promise<string> {
    const { queue, job } = jobSchedulers[id];
    const runId = jobId(`${id}-${randomUUID()}`, job);
    await this.registry
      .queue(queue)
      .add(job, {}, { ...retryAndRetention(this.registry.jobDefaults(queue)), jobId: runId });
    return runId;
  }
}
