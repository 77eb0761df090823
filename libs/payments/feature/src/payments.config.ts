import { z } from 'zod';
import { defineConfig, type ConfigOf } from '@rentguy/platform/config';
import type { QueueModuleOptions } from '@rentguy/platform/queue';

const ms = z.coerce.number().int().positive();
/** The interval of a job scheduler; 0 removes the scheduler. */
const interval = z.coerce.number().int().min(0);
const count = z.coerce.number().int().positive();

/** The payments feature's own settings (its adapters' are `paymentsDataAccessConfig`). */
export const paymentsConfig = defineConfig('payments', {
  /** Fallback for webhook events whose in-process processing failed or never ran (crash, restart). */
  WEBHOOK_SWEEP_INTERVAL_MS: interval.default(5_000),
  /** A webhook event that failed this many times is left for a human (it stays in the inbox with its error). */
  WEBHOOK_MAX_ATTEMPTS: count.default(20),
  /** How often payments are reconciled with the provider. */
  RECONCILE_INTERVAL_MS: interval.default(60_000),
  /** A payment pending for longer than this is asked about at the provider (its webhook may be lost). */
  RECONCILE_PENDING_AFTER_MS: ms.default(5 * 60_000),
  /** How often published outbox rows past their retention are deleted. */
  OUTBOX_RETENTION_INTERVAL_MS: interval.default(3_600_000),
});

/** The payments app's queue: its maintenance queue, whose job schedulers run the periodic work. */
export const paymentsQueueOptions = (config: ConfigOf<typeof paymentsConfig>): QueueModuleOptions => ({
  queues: ['payments-maintenance'],
  workers: { 'payments-maintenance': {} },
  schedules: {
    'payments-reconciliation': config.RECONCILE_INTERVAL_MS,
    'payments-webhook-inbox': config.WEBHOOK_SWEEP_INTERVAL_MS,
    'payments-outbox-retention': config.OUTBOX_RETENTION_INTERVAL_MS,
  },
});
