import { z } from 'zod';
import { defineConfig, localServiceUrl } from '@rentguy/platform/config';

/** Where the gateway reaches the services, and how it bounds waiting on them. */
export const edgeConfig = defineConfig('edge', {
  RENTALS_URL: z.url().default(localServiceUrl('rentals')),
  PAYMENTS_URL: z.url().default(localServiceUrl('payments')),
  NOTIFICATIONS_URL: z.url().default(localServiceUrl('notifications')),
  /** Most keep-alive connections to each service (undici pool size). */
  UPSTREAM_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  /** Give up on connecting to a service after this long. */
  UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /** Give up waiting for a service's response headers after this long. */
  UPSTREAM_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10000),
});

/** The services behind the gateway. */
export type Upstream = 'rentals' | 'payments' | 'notifications';
