import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { QueueName } from '@rentguy/contracts';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { findWorkerBootProblems } from './handler-set';
import { JobHandlerExplorer } from './job-handler.explorer';
import { catalogJobNames, payloadSchema } from './queue-catalog';
import { WorkerBootError } from './queue.errors';
import { QueueRegistry } from './queue.registry';
import type { JobContext, JobOutcome } from './queue.types';
import { describeError } from '@rentguy/platform/errors';

type JobsOutcome = 'completed' | 'skipped' | 'failed' | 'retried';
type AnyJobHandler = (data: unknown, job: JobContext) => Promise<JobOutcome>;

interface RunningWorker {
  worker: Worker<unknown, JobOutcome>;
  connection: Redis;
  activeJobs: ActiveJobs;
}

/** Counts the jobs a worker is running, so shutdown can wait for them with a deadline. */
class ActiveJobs {
  private count = 0;
  private waiters: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await work();
    } finally {
      this.count -= 1;
      if (this.count === 0) {
        this.waiters.splice(0).forEach((resolve) => resolve());
      }
    }
  }

  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Runs the BullMQ workers of the app (`QueueModule.forRoot({ workers })`) with the `@OnJob` methods
 * of its providers as handlers. At bootstrap it refuses to start any worker unless every job the
 * contracts catalog declares for each worked queue has exactly one handler, and no handler is left
 * without a worker. Payloads are validated before a handler runs (an invalid one fails the job
 * without retry); a handler's exception means retry. Workers close on shutdown after their active
 * jobs have finished.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly running = new Map<QueueName, RunningWorker>();
  private readonly jobs;
  private readonly duration;
  private readonly stalled;

  constructor(
    private readonly registry: QueueRegistry,
    private readonly explorer: JobHandlerExplorer,
    metrics: MetricsRegistry,
  ) {
    this.jobs = metrics.counter({
      name: 'queue_jobs_total',
      help: 'Job attempts by queue, job and outcome (completed, skipped, failed, retried)',
      labelNames: ['queue', 'job', 'outcome'],
    });
    this.duration = metrics.histogram({
      name: 'queue_job_duration_seconds',
      help: 'Time spent in job handlers by queue and job',
      labelNames: ['queue', 'job'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    });
    this.stalled = metrics.counter({
      name: 'queue_jobs_stalled_total',
      help: 'Jobs this worker found stalled (their worker died or lost the lock) and took back, by queue',
      labelNames: ['queue'],
    });
  }

  /**
   * Starts one worker per queue of `workers`, with the discovered `@OnJob` handlers.
   * @throws WorkerBootError listing every missing, duplicate, undeclared or unworked handler.
   */
  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.explorer.explore();
    const workers = this.registry.options.workers;
    const problems = findWorkerBootProblems([...workers.keys()], catalogJobNames, handlers);
    if (problems.length > 0) {
      throw new WorkerBootError(problems);
    }
    for (const [queue, { concurrency }] of workers) {
      const queueHandlers = new Map<string, AnyJobHandler>(
        handlers.filter((h) => h.queue === queue).map((h) => [h.job, h.handle]),
      );
      await this.startWorker(queue, queueHandlers, concurrency);
    }
  }

  private async startWorker(
    queue: QueueName,
    handlers: Map<string, AnyJobHandler>,
    concurrency: number,
  ): Promise<void> {
    const connection = this.registry.createWorkerConnection(queue);
    const activeJobs = new ActiveJobs();
    const worker = new Worker<unknown, JobOutcome>(
      queue,
      (job) => activeJobs.run(() => this.process(queue, handlers, job)),
      {
        connection,
        prefix: this.registry.options.prefix,
        concurrency,
        telemetry: this.registry.telemetry,
        // A worker that dies (SIGKILL, OOM) holds its jobs' locks until they expire; another worker
        // (or its restart) finds them at its next stalled check and runs them again. BullMQ's 30 s
        // lock and 30 s check took about 68 s to recover a killed image-worker's jobs; 15 s and 5 s
        // bound it to about 20 s plus the work. The lock is renewed every 7.5 s from the event loop,
        // which the handlers do not block (sharp works on libuv's thread pool).
        lockDuration: 15_000,
        stalledInterval: 5_000,
      },
    );
    worker.on('error', (error) => this.logger.error(`worker "${queue}": ${error.message}`));
    // Emitted by the stalled check for each job it moves back to waiting (or fails, the second time).
    worker.on('stalled', (jobId) => {
      this.stalled.inc({ queue });
      this.logger.warn(`worker "${queue}": job ${jobId} stalled (its worker died or lost the lock)`);
    });
    this.running.set(queue, { worker, connection, activeJobs });
    await worker.waitUntilReady();
    this.logger.log(
      `worker "${queue}" started (concurrency ${concurrency}, jobs: ${[...handlers.keys()].join(', ')})`,
    );
  }

  /**
   * Lets active jobs finish (up to the shutdown budget, then force-closes: the jobs become stalled
   * and are retried elsewhere once their lock expires), then closes the worker connections.
   * Runs before the queues' own shutdown so handlers can still enqueue follow-up jobs.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = this.registry.options.workerCloseTimeoutMs;
    await Promise.all(
      [...this.running].map(async ([queue, running]) => {
        const { worker, connection } = running;
        // Stop fetching, then wait for the active jobs ourselves: a pending worker.close() could not
        // be turned into a forced one when the budget runs out.
        await worker.pause(true);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        });
        const drained = await Promise.race([running.activeJobs.idle().then(() => true), timeout]);
        clearTimeout(timer);
        if (!drained) {
          this.logger.warn(
            `worker "${queue}": active jobs still running after ${timeoutMs} ms, force-closing`,
          );
        }
        await worker.close(!drained);
        await connection.quit().catch(() => connection.disconnect());
      }),
    );
    this.running.clear();
  }

  private async process(
    queue: QueueName,
    handlers: Map<string, AnyJobHandler>,
    job: Job<unknown, JobOutcome>,
  ): Promise<JobOutcome> {
    const labels = { queue, job: job.name };
    const handler = handlers.get(job.name);
    const schema = payloadSchema(queue, job.name);
    if (!handler || !schema) {
      this.count(labels, 'failed');
      throw new UnrecoverableError(`no handler for job "${job.name}" on queue "${queue}"`);
    }
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      this.count(labels, 'failed');
      this.logger.error(`job ${job.id} (${queue}/${job.name}) has an invalid payload, failing without retry`);
      throw new UnrecoverableError(`invalid payload for job "${job.name}": ${z.prettifyError(parsed.error)}`);
    }
    const maxAttempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    const context: JobContext = {
      queue,
      name: job.name as JobContext['name'],
      id: job.id ?? '',
      attempt,
      maxAttempts,
      isFinalAttempt: attempt >= maxAttempts,
    };
    const stopTimer = this.duration.startTimer(labels);
    try {
      const outcome = await handler(parsed.data, context);
      switch (outcome.status) {
        case 'done':
          this.count(labels, 'completed');
          break;
        case 'skipped':
          this.count(labels, 'skipped');
          this.logger.log(`job ${context.id} (${queue}/${job.name}) skipped: ${outcome.reason}`);
          break;
      }
      return outcome;
    } catch (error) {
      // Mirrors BullMQ's own decision (Job.shouldRetryJob) so the metric says what happens next.
      const retried = !context.isFinalAttempt && !(error instanceof UnrecoverableError);
      this.count(labels, retried ? 'retried' : 'failed');
      const reason = describeError(error);
      this.logger.warn(
        `job ${context.id} (${queue}/${job.name}) attempt ${attempt}/${maxAttempts} failed${retried ? ', will retry' : ''}: ${reason}`,
      );
      throw error;
    } finally {
      stopTimer();
    }
  }

  private count(labels: { queue: string; job: string }, outcome: JobsOutcome): void {
    this.jobs.inc({ ...labels, outcome });
  }
}
