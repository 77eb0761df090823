import { jobId, type QueueName } from '@rentguy/contracts';
import type { JobsOptions } from 'bullmq';

/** Retries and retention of a queue's jobs (docs/architecture.md#queues-and-jobs: every queue sets both). */
export interface QueueJobDefaults {
  attempts: number;
  /** Delay before the first retry; exponential doubles it on every further retry. */
  backoff: { type: 'exponential' | 'fixed'; delayMs: number };
  /** Completed jobs are kept this long (and at most `count` of them), so re-enqueues stay no-ops. */
  removeOnComplete: { ageSeconds: number; count: number };
  removeOnFail: { ageSeconds: number };
}

export type QueueJobDefaultsOverrides = { [Q in QueueName]?: Partial<QueueJobDefaults> };

/** Per-enqueue options: the entity id makes the job id, hence the dedupe. */
export interface EnqueueOptions {
  /** The id of the entity the job works on (`jobId(entityId, job)` becomes the job id). */
  entityId: string;
  /** Run no earlier than this many milliseconds from now. */
  delayMs?: number;
}

const DAY_SECONDS = 24 * 60 * 60;

const standard: QueueJobDefaults = {
  attempts: 5,
  backoff: { type: 'exponential', delayMs: 2_000 },
  removeOnComplete: { ageSeconds: DAY_SECONDS, count: 1_000 },
  removeOnFail: { ageSeconds: 7 * DAY_SECONDS },
};

const maintenance: QueueJobDefaults = {
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 5_000 },
  // A run every few seconds makes thousands a day: keep the latest hundred, enough to look at.
  removeOnComplete: { ageSeconds: DAY_SECONDS, count: 100 },
  removeOnFail: { ageSeconds: 7 * DAY_SECONDS },
};

/**
 * Defaults of every queue of the catalog; a `Record` so that a new queue cannot ship without them.
 */
export const queueJobDefaults: Readonly<Record<QueueName, QueueJobDefaults>> = {
  images: standard,
  // Screening providers go down for minutes, not seconds: wait longer between attempts.
  screening: { ...standard, backoff: { type: 'exponential', delayMs: 15_000 } },
  // Mail relays greylist: more, slower attempts before giving up on a delivery.
  email: { ...standard, attempts: 8, backoff: { type: 'exponential', delayMs: 10_000 } },
  // Scheduled runs: a failed run is retried a few times, and the next interval runs it anyway.
  'rentals-maintenance': maintenance,
  'payments-maintenance': maintenance,
  'notifications-maintenance': maintenance,
  'gateway-maintenance': maintenance,
};

/** The defaults of `queue` with the app's (or a test's) overrides applied. */
export function resolveJobDefaults(
  queue: QueueName,
  overrides: QueueJobDefaultsOverrides = {},
): QueueJobDefaults {
  const resolved = { ...queueJobDefaults[queue], ...overrides[queue] };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    problems.push(`attempts must be a positive integer (got ${resolved.attempts})`);
  }
  if (!(resolved.backoff.delayMs >= 0)) {
    problems.push(`backoff.delayMs must be >= 0 (got ${resolved.backoff.delayMs})`);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid job defaults for queue "${queue}": ${problems.join('; ')}`);
  }
  return resolved;
}

/** Retries and retention of `defaults` in BullMQ's terms (for enqueued and scheduled jobs alike). */
export function retryAndRetention(defaults: QueueJobDefaults): JobsOptions {
  return {
    attempts: defaults.attempts,
    backoff: { type: defaults.backoff.type, delay: defaults.backoff.delayMs },
    removeOnComplete: { age: defaults.removeOnComplete.ageSeconds, count: defaults.removeOnComplete.count },
    removeOnFail: { age: defaults.removeOnFail.ageSeconds },
  };
}

/** The BullMQ options of one enqueue: deterministic id, the queue's retries and retention, delay. */
export function buildJobOptions(
  defaults: QueueJobDefaults,
  job: string,
  options: EnqueueOptions,
): JobsOptions & { jobId: string } {
  if (options.entityId.trim() === '') {
    throw new Error(`Cannot enqueue "${job}": entityId is empty`);
  }
  // BullMQ uses ':' as its key separator and rejects ids that contain it.
  if (options.entityId.includes(':')) {
    throw new Error(`Cannot enqueue "${job}": entityId "${options.entityId}" contains ':'`);
  }
  if (options.delayMs !== undefined && (!Number.isInteger(options.delayMs) || options.delayMs < 0)) {
    throw new Error(
      `Cannot enqueue "${job}": delayMs must be a non-negative integer (got ${options.delayMs})`,
    );
  }
  return {
    jobId: jobId(options.entityId, job),
    ...retryAndRetention(defaults),
    ...(options.delayMs ? { delay: options.delayMs } : {}),
  };
}
