import { z } from 'zod';
import { stripeConfig } from '@rentguy/platform/config';

const ms = z.coerce.number().int().positive();
const count = z.coerce.number().int().positive();

/** Settings of the adapters over Stripe and rentals' internal API; the feature spreads these into its own. */
export const paymentsDataAccessConfig = {
  ...stripeConfig,
  /** Per-request timeout of provider API calls. */
  STRIPE_TIMEOUT_MS: ms.default(10_000),
  /** Rentals' internal HTTP API, read when a booking has not reached the projection yet. */
  RENTALS_URL: z.url().default('http://127.0.0.1:3001'),
  /** Per-request timeout (connect and response headers) of a read from rentals. */
  RENTALS_TIMEOUT_MS: ms.default(2_000),
  /** Most keep-alive connections to rentals (undici pool size). */
  RENTALS_CONNECTIONS: count.default(16),
};

export type PaymentsDataAccessConfig = z.infer<z.ZodObject<typeof paymentsDataAccessConfig>>;
