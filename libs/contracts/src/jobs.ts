import { z } from 'zod';

/** The payload of a scheduled job: the scheduler adds it, so it carries nothing. */
const scheduledRun = z.object({});

/**
 * BullMQ queues and their jobs, declared once. A worker refuses to start unless every job of its
 * queue has exactly one handler; names are string literals so renaming a class never orphans a job.
 * Each service's periodic work runs on its own `<service>-maintenance` queue (see `jobSchedulers`).
 */
export const queueCatalog = {
  images: {
    'image.process': z.object({ imageId: z.uuid(), propertyId: z.uuid(), originalKey: z.string().min(1) }),
  },
  screening: {
    'application.screen': z.object({ applicationId: z.uuid() }),
  },
  email: {
    'email.send': z.object({ deliveryId: z.uuid() }),
  },
  'rentals-maintenance': {
    'holds.expire': scheduledRun,
    'holds.cross-check': scheduledRun,
    'pending-jobs.requeue': scheduledRun,
    'outbox.prune': scheduledRun,
    'calendar-feeds.sync': scheduledRun,
    'analytics.refresh': scheduledRun,
    'applications.purge-undecided': scheduledRun,
  },
  'payments-maintenance': {
    'payments.reconcile': scheduledRun,
    'webhook-inbox.sweep': scheduledRun,
    'outbox.prune': scheduledRun,
  },
  'notifications-maintenance': {
    'deliveries.requeue-pending': scheduledRun,
    'outbox.prune': scheduledRun,
  },
  'gateway-maintenance': {
    'api-keys.remind-expiring': scheduledRun,
    'outbox.prune': scheduledRun,
  },
} as const;

export type QueueName = keyof typeof queueCatalog;
export type JobName<Q extends QueueName> = keyof (typeof queueCatalog)[Q] & string;
export type JobData<Q extends QueueName, J extends JobName<Q>> = z.infer<
  (typeof queueCatalog)[Q][J] extends z.ZodType ? (typeof queueCatalog)[Q][J] : never
>;

/** One BullMQ job scheduler: it adds `job` to `queue` once per interval, across all replicas. */
export interface JobSchedulerDeclaration<Q extends QueueName = QueueName> {
  readonly queue: Q;
  readonly job: JobName<Q>;
}

type SchedulerCatalog = {
  readonly [id: string]: { [Q in QueueName]: JobSchedulerDeclaration<Q> }[QueueName];
};

/**
 * The periodic jobs, keyed by their scheduler id (deterministic, so every replica upserts the same
 * scheduler and the queue runs the job once per interval). The interval comes from the config of
 * the app that works the queue; an interval of 0 removes the scheduler.
 */
export const jobSchedulers = {
  'rentals-hold-expiry': { queue: 'rentals-maintenance', job: 'holds.expire' },
  'rentals-hold-cross-check': { queue: 'rentals-maintenance', job: 'holds.cross-check' },
  'rentals-pending-jobs': { queue: 'rentals-maintenance', job: 'pending-jobs.requeue' },
  'rentals-outbox-retention': { queue: 'rentals-maintenance', job: 'outbox.prune' },
  'rentals-calendar-sync': { queue: 'rentals-maintenance', job: 'calendar-feeds.sync' },
  'rentals-analytics-refresh': { queue: 'rentals-maintenance', job: 'analytics.refresh' },
  'rentals-application-retention': { queue: 'rentals-maintenance', job: 'applications.purge-undecided' },
  'payments-reconciliation': { queue: 'payments-maintenance', job: 'payments.reconcile' },
  'payments-webhook-inbox': { queue: 'payments-maintenance', job: 'webhook-inbox.sweep' },
  'payments-outbox-retention': { queue: 'payments-maintenance', job: 'outbox.prune' },
  'notifications-pending-deliveries': {
    queue: 'notifications-maintenance',
    job: 'deliveries.requeue-pending',
  },
  'notifications-outbox-retention': { queue: 'notifications-maintenance', job: 'outbox.prune' },
  'gateway-api-key-expiry': { queue: 'gateway-maintenance', job: 'api-keys.remind-expiring' },
  'gateway-outbox-retention': { queue: 'gateway-maintenance', job: 'outbox.prune' },
} as const satisfies SchedulerCatalog;

export type JobSchedulerId = keyof typeof jobSchedulers;

/** Deterministic job ids (`<entity>-<job>`) make enqueueing idempotent. */
export const jobId = (entityId: string, job: string): string => `${entityId}-${job.replace(/\./g, '-')}`;
