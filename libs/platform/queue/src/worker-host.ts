import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { JobName, QueueName } from '@rentguy/contracts';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { findHandlerSetProblems } from './handler-set';
import { catalogJobNames, isCatalogQueue, payloadSchema } from './queue-catalog';
import { WorkerBootError } from './queue.errors';
import { QueueRegistry } from './queue.registry';
import type { JobContext, JobHandler, JobHandlers, JobOutcome } from './queue.types';

/** Options of one worker. */
export interface WorkerStartOptions {
  /** Jobs processed in parallel by this process (default 1). */
  concurrency?: number;
}

type JobsOutcome = 'completed' | 'skipped' | 'failed' | 'retried';
type AnyJobHandler = (data: unknown, job: JobContext) => Promise<JobOutcome>;

interface Registration {
  job: string;
  handler: AnyJobHandler;
}

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
 * Starts the BullMQ workers of an app. A worker refuses to start unless every job the contracts
 * catalog declares for its queue has exactly one handler. Payloads are validated before a handler
 * runs (an invalid one fails the job without retry); a handler's exception means retry.
 * Workers close on shutdown after their active jobs have finished.
 */
@Injectable()
export class WorkerHost implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly registrations = new Map<QueueName, Registration[]>();
  private readonly running = new Map<QueueName, RunningWorker>();
  private readonly jobs;
  private readonly duration;

  constructor(
    private readonly registry: QueueRegistry,
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
  }

  /**
   * Adds the handler of one job; collected until `startRegistered(queue)`. Registering a job twice
   * is not an error here but makes the start fail, naming the job.
   */
  register<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J, handler: JobHandler<Q, J>): void {
    const list = this.registrations.get(queue) ?? [];
    // Safe: the processor only calls a handler with a payload parsed by that job's schema.
    list.push({ job, handler: handler as unknown as AnyJobHandler });
    this.registrations.set(queue, list);
  }

  /**
   * Starts the worker of `queue` with one handler per job (plus any `register`ed ones).
   * @throws WorkerBootError listing every missing, duplicate or undeclared handler.
   */
  async start<Q extends QueueName>(
    queue: Q,
    handlers: JobHandlers<Q>,
    options: WorkerStartOptions = {},
  ): Promise<void> {
    for (const job of Object.keys(handlers) as JobName<Q>[]) {
      this.register(queue, job, handlers[job]);
    }
    await this.startRegistered(queue, options);
  }

  /**
   * Starts the worker of `queue` with the handlers collected by `register`.
   * @throws WorkerBootError listing every missing, duplicate or undeclared handler.
   */
  async startRegistered(queue: QueueName, options: WorkerStartOptions = {}): Promise<void> {
    const registrations = this.registrations.get(queue) ?? [];
    const problems: string[] = [];
    if (!isCatalogQueue(queue)) {
      throw new WorkerBootError(queue, [`queue "${queue}" is not declared in the contracts catalog`]);
    }
    if (!this.registry.has(queue)) {
      problems.push(`queue "${queue}" is not listed in QueueModule.forRoot({ queues })`);
    }
    if (this.running.has(queue)) {
      problems.push(`a worker for queue "${queue}" is already running`);
    }
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      problems.push(`concurrency must be a positive integer (got ${concurrency})`);
    }
    problems.push(
      ...findHandlerSetProblems(
        queue,
        catalogJobNames(queue),
        registrations.map((r) => r.job),
      ),
    );
    if (problems.length > 0) {
      throw new WorkerBootError(queue, problems);
    }

    const handlers = new Map(registrations.map((r) => [r.job, r.handler]));
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
      },
    );
    worker.on('error', (error) => this.logger.error(`worker "${queue}": ${error.message}`));
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
      name: job.name as JobName<QueueName>,
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
      const reason = error instanceof Error ? error.message : String(error);
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
