import { z } from 'zod';
import { defineConfig, localServiceUrl, type ConfigOf } from '@rentguy/platform/config';
import type { QueueModuleOptions } from '@rentguy/platform/queue';

/** Settings of the notifications feature (its SMTP relay's are `mailConfig`). */
export const notificationsConfig = defineConfig('notifications', {
  /** Parallel sends of the email worker. */
  EMAIL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  /** How often pending deliveries are looked at again; 0 turns the sweep off, otherwise at least a second. */
  EMAIL_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000')
    .default(30_000),
  /** A pending delivery younger than this still has its job on the way; older ones get it again. */
  EMAIL_SWEEP_MIN_AGE_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often published outbox rows (the audit events it reports) past their retention are deleted; 0 turns it off. */
  OUTBOX_RETENTION_INTERVAL_MS: z.coerce
    .number()
    .int()
    .refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000')
    .default(3_600_000),
  /**
   * The web app: a password-reset link is `<its origin>/reset-password?token=…`, a held booking's
   * payment page `<its origin>/bookings/<id>/pay`.
   */
  PUBLIC_WEB_URL: z.url().default(localServiceUrl('gateway')),
  /** The public API (the gateway): unsubscribe links are `<it>/v1/notifications/unsubscribe?token=…`. */
  PUBLIC_BASE_URL: z.url().default(localServiceUrl('gateway')),
  /** Signs unsubscribe links (HMAC-SHA256); changing it invalidates every link already sent. */
  UNSUBSCRIBE_SECRET: z.string().min(32, 'must be at least 32 characters'),
});

/**
 * The notifications app's queues: it feeds and works `email`, and works its maintenance queue,
 * whose job schedulers run the pending-delivery sweep and the outbox retention.
 */
export const notificationsQueueOptions = (
  config: ConfigOf<typeof notificationsConfig>,
): QueueModuleOptions => ({
  queues: ['email', 'notifications-maintenance'],
  workers: {
    email: { concurrency: config.EMAIL_WORKER_CONCURRENCY },
    'notifications-maintenance': {},
  },
  schedules: {
    'notifications-pending-deliveries': config.EMAIL_SWEEP_INTERVAL_MS,
    'notifications-outbox-retention': config.OUTBOX_RETENTION_INTERVAL_MS,
  },
});
