import { z } from 'zod';
import { defineConfig, localServiceUrl } from '@rentguy/platform/config';

const ms = z.coerce.number().int().positive();

/** Settings of rentals' adapter over payments' internal API. */
export const rentalsDataAccessConfig = defineConfig('rentals-data-access', {
  /** Payments' internal HTTP API, asked which held bookings are paid. */
  PAYMENTS_URL: z.url().default(localServiceUrl('payments')),
  /**
   * The credential rentals presents on payments' service-only routes: one of the `rentals:` tokens
   * in payments' `SERVICE_TOKENS`.
   */
  PAYMENTS_SERVICE_TOKEN: z.string().min(32, 'needs at least 32 characters'),
  /** Per-request timeout (connect, response headers, body) of a question to payments. */
  PAYMENTS_TIMEOUT_MS: ms.default(5_000),
  /** One imported iCal feed's whole fetch (connect, redirects, body) must finish within this. */
  CALENDAR_FEED_TIMEOUT_MS: ms.default(10_000),
  /** A feed larger than this is refused (a year of events of a busy listing is a few hundred kB). */
  CALENDAR_FEED_MAX_BYTES: ms.default(2_000_000),
  /**
   * Lets feeds be fetched from loopback addresses (127.0.0.0/8, ::1): for local runs and tests
   * whose fake feeds listen there. Private and link-local addresses stay refused.
   */
  CALENDAR_FEED_ALLOW_LOOPBACK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});
