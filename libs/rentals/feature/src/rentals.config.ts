import { z } from 'zod';
import { defineConfig, localServiceUrl, type ConfigOf } from '@rentguy/platform/config';
import type { QueueModuleOptions } from '@rentguy/platform/queue';

/** Settings of the rentals feature. */
export const rentalsConfig = defineConfig('rentals', {
  /** How long a held booking blocks its dates while waiting for payment. */
  BOOKING_HOLD_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** How often held bookings past their expiry are expired; 0 turns the sweep off. */
  HOLD_EXPIRY_SWEEP_MS: z.coerce.number().int().min(0).default(30_000),
  /**
   * How often held bookings are checked against payments, so that a paid hold whose
   * `payment.succeeded` was lost is confirmed without waiting for its expiry; 0 turns it off.
   */
  HOLD_CROSS_CHECK_MS: z.coerce.number().int().min(0).default(60_000),
  /** Holds younger than this are left to `payment.succeeded`, which normally confirms them within a second. */
  HOLD_CROSS_CHECK_MIN_AGE_MS: z.coerce.number().int().min(0).default(60_000),
  /** How often images and applications whose job may have been lost are enqueued again; 0 turns it off. */
  PENDING_JOBS_SWEEP_MS: z.coerce.number().int().min(0).default(30_000),
  /** How often published outbox rows past their retention are deleted; 0 turns it off. */
  OUTBOX_RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Work younger than this is left alone by the pending-jobs sweep: its job is most likely queued. */
  PENDING_JOBS_MIN_AGE_MS: z.coerce.number().int().min(0).default(60_000),
  /** The public API's base URL (the gateway's), which image URLs are built on. */
  PUBLIC_BASE_URL: z.url().default(localServiceUrl('gateway')),
});

/**
 * The rentals app's queues: it feeds the image and screening workers and works its own maintenance
 * queue, whose job schedulers run the periodic work at the intervals above.
 */
export const rentalsQueueOptions = (config: ConfigOf<typeof rentalsConfig>): QueueModuleOptions => ({
  queues: ['images', 'screening', 'rentals-maintenance'],
  workers: { 'rentals-maintenance': {} },
  schedules: {
    'rentals-hold-expiry': config.HOLD_EXPIRY_SWEEP_MS,
    'rentals-hold-cross-check': config.HOLD_CROSS_CHECK_MS,
    'rentals-pending-jobs': config.PENDING_JOBS_SWEEP_MS,
    'rentals-outbox-retention': config.OUTBOX_RETENTION_INTERVAL_MS,
  },
});
