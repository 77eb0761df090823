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
});
