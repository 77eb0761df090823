import { jobSchedulers, type JobSchedulerId, type QueueName } from '@rentguy/contracts';
import { catalogQueueNames, isCatalogQueue } from './queue-catalog';
import { resolveJobDefaults, type QueueJobDefaults, type QueueJobDefaultsOverrides } from './job-options';
import { describeError } from '@rentguy/platform/errors';
import type { ConfigOf } from '@rentguy/platform/config';
import type { lifecycleConfig } from '@rentguy/platform/health';
import type { queueConfig } from './queue.config';

/** How one worker of this app runs. */
export interface WorkerOptions {
  /** Jobs processed in parallel by this process (default 1). */
  concurrency?: number;
}

/** Options of `QueueModule.forRoot`. */
export interface QueueModuleOptions {
  /** The queues this app produces to or works on; the catalog in `@rentguy/contracts` declares them. */
  queues: QueueName[];
  /**
   * The queues this app runs a worker for (each also listed in `queues`). Their handlers are the
   * `@OnJob` methods of the app's providers: exactly one per job the catalog declares for the queue.
   */
  workers?: { [Q in QueueName]?: WorkerOptions };
  /**
   * Interval in milliseconds of each job scheduler this app keeps (`jobSchedulers` of the contracts),
   * read from the app's config; 0 removes the scheduler. Every scheduler of a queue this app works
   * must be given, so a periodic job cannot be forgotten.
   */
  schedules?: { [S in JobSchedulerId]?: number };
  /** Redis key prefix of every queue (default `rentguy`); tests pass a random one to isolate. */
  prefix?: string;
  /** Overrides of the per-queue retries and retention (tests shorten the backoff). */
  jobDefaults?: QueueJobDefaultsOverrides;
  /**
   * How long shutdown waits for active jobs before force-closing workers (their jobs are then picked
   * up again once their lock expires). Defaults to the app's grace period minus the drain delay and
   * a margin for closing connections.
   */
  workerCloseTimeoutMs?: number;
}

export interface ResolvedQueueOptions {
  queues: QueueName[];
  workers: ReadonlyMap<QueueName, Required<WorkerOptions>>;
  schedules: ReadonlyMap<JobSchedulerId, number>;
  prefix: string;
  redisUrl: string;
  jobDefaults: ReadonlyMap<QueueName, QueueJobDefaults>;
  workerCloseTimeoutMs: number;
}

export const QUEUE_MODULE_OPTIONS = Symbol('QUEUE_MODULE_OPTIONS');

export const DEFAULT_QUEUE_PREFIX = 'rentguy';

// Left for Nest to close the queues' and other modules' connections after the workers have drained.
const SHUTDOWN_MARGIN_MS = 2_000;
const MIN_WORKER_CLOSE_TIMEOUT_MS = 1_000;

/**
 * Validates the module options against the catalog; lists every problem at once. The workers' close
 * budget comes from the app's shutdown timing (`lifecycleConfig`).
 */
export function resolveQueueOptions(
  options: QueueModuleOptions,
  config: ConfigOf<typeof queueConfig>,
  lifecycle: ConfigOf<typeof lifecycleConfig>,
): ResolvedQueueOptions {
  const problems: string[] = [];
  if (options.queues.length === 0) {
    problems.push('queues: at least one queue is required');
  }
  const unknown = options.queues.filter((q) => !isCatalogQueue(q));
  if (unknown.length > 0) {
    problems.push(
      `queues: ${unknown.map((q) => `"${q}"`).join(', ')} not in the catalog (${catalogQueueNames().join(', ')})`,
    );
  }
  const duplicates = options.queues.filter((q, i) => options.queues.indexOf(q) !== i);
  if (duplicates.length > 0) {
    problems.push(`queues: ${[...new Set(duplicates)].join(', ')} listed twice`);
  }
  const workers = resolveWorkers(options, problems);
  const schedules = resolveSchedules(options, workers, problems);
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  if (!/^[\w{}.-]+$/.test(prefix)) {
    problems.push(`prefix: "${prefix}" must be letters, digits, _ . - { } only`);
  }
  const jobDefaults = new Map<QueueName, QueueJobDefaults>();
  for (const queue of options.queues.filter(isCatalogQueue)) {
    try {
      jobDefaults.set(queue, resolveJobDefaults(queue, options.jobDefaults));
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid QueueModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const derived = lifecycle.SHUTDOWN_GRACE_MS - lifecycle.SHUTDOWN_DRAIN_DELAY_MS - SHUTDOWN_MARGIN_MS;
  return {
    queues: [...options.queues],
    workers,
    schedules,
    prefix,
    redisUrl: config.REDIS_URL,
    jobDefaults,
    workerCloseTimeoutMs: options.workerCloseTimeoutMs ?? Math.max(derived, MIN_WORKER_CLOSE_TIMEOUT_MS),
  };
}

function resolveWorkers(
  options: QueueModuleOptions,
  problems: string[],
): Map<QueueName, Required<WorkerOptions>> {
  const workers = new Map<QueueName, Required<WorkerOptions>>();
  for (const [queue, worker] of Object.entries(options.workers ?? {})) {
    if (!isCatalogQueue(queue) || !options.queues.includes(queue)) {
      problems.push(`workers: "${queue}" is not listed in queues`);
      continue;
    }
    const concurrency = worker?.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      problems.push(`workers: "${queue}" concurrency must be a positive integer (got ${concurrency})`);
    }
    workers.set(queue, { concurrency });
  }
  return workers;
}

function resolveSchedules(
  options: QueueModuleOptions,
  workers: ReadonlyMap<QueueName, unknown>,
  problems: string[],
): Map<JobSchedulerId, number> {
  const schedules = new Map<JobSchedulerId, number>();
  const given: Partial<Record<string, number>> = options.schedules ?? {};
  for (const [id, every] of Object.entries(given)) {
    if (!Object.hasOwn(jobSchedulers, id)) {
      problems.push(`schedules: "${id}" is not declared in the contracts' jobSchedulers`);
      continue;
    }
    const scheduler = id as JobSchedulerId;
    const { queue } = jobSchedulers[scheduler];
    if (!options.queues.includes(queue)) {
      problems.push(`schedules: "${id}" runs on queue "${queue}", which is not listed in queues`);
    }
    if (every === undefined || !Number.isInteger(every) || every < 0) {
      problems.push(
        `schedules: "${id}" must be a whole number of milliseconds, 0 to remove it (got ${every})`,
      );
      continue;
    }
    schedules.set(scheduler, every);
  }
  for (const [id, { queue }] of Object.entries(jobSchedulers)) {
    if (workers.has(queue) && !Object.hasOwn(given, id)) {
      problems.push(`schedules: "${id}" (queue "${queue}") needs an interval from the config, or 0`);
    }
  }
  return schedules;
}
