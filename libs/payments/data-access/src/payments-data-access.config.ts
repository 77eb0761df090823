import { z } from 'zod';
import { defineConfig, localServiceUrl } from '@rentguy/platform/config';

const ms = z.coerce.number().int().positive();
const count = z.coerce.number().int().positive();

/** Mollie's own API, where the SDK points by default. */
export const MOLLIE_PRODUCTION_API = 'https://api.mollie.com/v2/';

/** Settings of the adapters over Stripe, Mollie and rentals' internal API. */
export const paymentsDataAccessConfig = defineConfig('payments-data-access', {
  STRIPE_SECRET_KEY: z.string().min(1),
  STRIPE_WEBHOOK_SECRET: z.string().min(1),
  /** Stripe's own API when unset; tests and local runs point the SDK at a fake of it. */
  STRIPE_API_BASE_URL: z.url().optional(),
  /** Per-request timeout of provider API calls. */
  STRIPE_TIMEOUT_MS: ms.default(10_000),
  /** Mollie's API key (`test_…` or `live_…`); without it Mollie payments are refused with 400. */
  MOLLIE_API_KEY: z
    .string()
    .regex(/^(test|live)_\w{10,}$/, 'a Mollie API key starts with test_ or live_')
    .optional(),
  /**
   * Mollie's own API by default. The SDK speaks HTTPS only and trusts only its bundled CAs; a
   * loopback host (127.0.0.0/8, ::1: a local fake) is trusted with its own self-signed certificate.
   */
  MOLLIE_API_BASE_URL: z
    .url()
    .refine((url) => new URL(url).protocol === 'https:', 'the Mollie SDK talks HTTPS only')
    .default(MOLLIE_PRODUCTION_API),
  /**
   * How long a Mollie call may take before the caller gets 503 (the SDK has no timeout of its own,
   * and retries a 5xx answer twice within that time).
   */
  MOLLIE_TIMEOUT_MS: ms.default(10_000),
  /** Where a guest returns after Mollie's checkout: the frontend's payment return page. */
  PUBLIC_WEB_URL: z.url().default(localServiceUrl('gateway')),
  /** The gateway's public URL; Mollie's webhook is `${PUBLIC_BASE_URL}/v1/webhooks/mollie`. */
  PUBLIC_BASE_URL: z.url().default(localServiceUrl('gateway')),
  /**
   * Node turns certificate verification off for every outbound connection (Stripe, Mollie,
   * rentals) when this is 0. Refused: only a loopback Mollie fake is ever trusted without a CA, and
   * that trust is the Mollie client's alone.
   */
  NODE_TLS_REJECT_UNAUTHORIZED: z
    .string()
    .refine(
      (value) => value !== '0',
      'NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate verification off for every connection; payments refuses to start with it',
    )
    .optional(),
  /** Rentals' internal HTTP API, read when a booking has not reached the projection yet. */
  RENTALS_URL: z.url().default(localServiceUrl('rentals')),
  /** Per-request timeout (connect and response headers) of a read from rentals. */
  RENTALS_TIMEOUT_MS: ms.default(2_000),
  /** Most keep-alive connections to rentals (undici pool size). */
  RENTALS_CONNECTIONS: count.default(16),
});
