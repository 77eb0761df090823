import { z } from 'zod';
import { defineConfig, localServiceUrl, type ConfigOf } from '@rentguy/platform/config';
import type { QueueModuleOptions } from '@rentguy/platform/queue';

/** A percentage with at most two decimals (`12`, `7.5`, `0.25`) as whole basis points. */
const percentBps = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'expected a percentage such as 12 or 7.5 (at most two decimals)')
  .transform((value) => Math.round(Number(value) * 100))
  .refine((bps) => bps <= 10_000, 'at most 100 %');

/**
 * `NL:9,DE:7,FR:10`: the tax rate in percent of each ISO 3166-1 alpha-2 country; a country not
 * listed is charged no tax. As upper-case country code → basis points.
 */
const taxRateTable = z.string().transform((value, ctx) => {
  const table: Record<string, number> = {};
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]{2}):(.+)$/.exec(entry);
    const bps = match ? percentBps.safeParse(match[2]) : undefined;
    const country = match?.[1]?.toUpperCase();
    if (!country || !bps?.success) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not COUNTRY:PERCENT (e.g. NL:9)` });
      continue;
    }
    if (Object.hasOwn(table, country)) {
      ctx.addIssue({ code: 'custom', message: `${country} is listed twice` });
    }
    table[country] = bps.data;
  }
  return table as Readonly<Record<string, number>>;
});

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
  /** How often every imported iCal feed is fetched and applied (docs/architecture.md#ical-sync); 0 turns it off. */
  CALENDAR_SYNC_INTERVAL_MS: z.coerce.number().int().min(0).default(900_000),
  /** How often the analytics' materialized view is refreshed; 0 turns it off. */
  ANALYTICS_REFRESH_INTERVAL_MS: z.coerce.number().int().min(0).default(900_000),
  /** The platform's service fee on accommodation + cleaning fee, in percent (two decimals at most). */
  SERVICE_FEE_PERCENT: z.string().default('0').pipe(percentBps),
  /** Tax rate per property country, `NL:9,DE:7` (percent); unlisted countries pay no tax. */
  TAX_RATES: z.string().default('').pipe(taxRateTable),
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
    'rentals-calendar-sync': config.CALENDAR_SYNC_INTERVAL_MS,
    'rentals-analytics-refresh': config.ANALYTICS_REFRESH_INTERVAL_MS,
  },
});
