import type { QueueName } from '@rentguy/contracts';
import { catalogQueueNames, isCatalogQueue } from './queue-catalog';
import { resolveJobDefaults, type QueueJobDefaults, type QueueJobDefaultsOverrides } from './job-options';

/** Options of `QueueModule.forRoot`. */
export interface QueueModuleOptions {
  /** The queues this app produces to or works on; the catalog in `@rentguy/contracts` declares them. */
  queues: QueueName[];
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

/** The part of the app config this library reads (`redisConfig` and `baseConfig` of the config lib). */
export interface QueueConfig {
  REDIS_URL: string;
  SHUTDOWN_GRACE_MS?: number;
  SHUTDOWN_DRAIN_DELAY_MS?: number;
}

export interface ResolvedQueueOptions {
  queues: QueueName[];
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

/** Validates the module options against the catalog and the config; lists every problem at once. */
export function resolveQueueOptions(options: QueueModuleOptions, config: QueueConfig): ResolvedQueueOptions {
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
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  if (!/^[\w{}.-]+$/.test(prefix)) {
    problems.push(`prefix: "${prefix}" must be letters, digits, _ . - { } only`);
  }
  if (!config.REDIS_URL) {
    problems.push('REDIS_URL is not set in the app config');
  }
  const jobDefaults = new Map<QueueName, QueueJobDefaults>();
  for (const queue of options.queues.filter(isCatalogQueue)) {
    try {
      jobDefaults.set(queue, resolveJobDefaults(queue, options.jobDefaults));
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (problems.length > 0) {
    throw new Error(`Invalid QueueModule options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const derived =
    (config.SHUTDOWN_GRACE_MS ?? 25_000) - (config.SHUTDOWN_DRAIN_DELAY_MS ?? 2_000) - SHUTDOWN_MARGIN_MS;
  return {
    queues: [...options.queues],
    prefix,
    redisUrl: config.REDIS_URL,
    jobDefaults,
    workerCloseTimeoutMs: options.workerCloseTimeoutMs ?? Math.max(derived, MIN_WORKER_CLOSE_TIMEOUT_MS),
  };
}
