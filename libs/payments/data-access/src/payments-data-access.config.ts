import { z } from 'zod';
import { defineConfig, localServiceUrl } from '@rentguy/platform/config';

const ms = z.coerce.number().int().positive();
const count = z.coerce.number().int().positive();

/** Settings of the adapters over Stripe and rentals' internal API. */
export const paymentsDataAccessConfig = defineConfig('payments-data-access', {
  STRIPE_SECRET_KEY: z.string().min(1),
  STRIPE_WEBHOOK_SECRET: z.string().min(1),
  /** Stripe's own API when unset; tests and local runs point the SDK at a fake of it. */
  STRIPE_API_BASE_URL: z.url().optional(),
  /** Per-request timeout of provider API calls. */
  STRIPE_TIMEOUT_MS: ms.default(10_000),
  /** Rentals' internal HTTP API, read when a booking has not reached the projection yet. */
  RENTALS_URL: z.url().default(localServiceUrl('rentals')),
  /** Per-request timeout (connect and response headers) of a read from rentals. */
  RENTALS_TIMEOUT_MS: ms.default(2_000),
  /** Most keep-alive connections to rentals (undici pool size). */
  RENTALS_CONNECTIONS: count.default(16),
});
