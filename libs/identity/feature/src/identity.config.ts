import { z } from 'zod';
import { defineConfig, type ConfigOf } from '@rentguy/platform/config';
import type { QueueModuleOptions } from '@rentguy/platform/queue';
import { privateJwkSchema } from '@rentguy/platform/http';

/**
 * The gateway's token settings:
 * - `JWT_SIGNING_KEY`: the Ed25519 private key (a JWK with its `kid`) access tokens are signed
 *   with; its public half must be among the HTTP config's `JWT_PUBLIC_KEYS`, which the gateway
 *   publishes at `/.well-known/jwks.json`;
 * - how long an access token lives (at most 15 minutes), and how long a refresh token stays usable
 *   without being used (sliding);
 * - how long a password-reset token is valid.
 */
export const identityConfig = defineConfig('identity', {
  JWT_SIGNING_KEY: privateJwkSchema,
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(60).default(30),
});

/** How often identity's periodic work runs in the gateway (`identityQueueOptions`). */
export const identityMaintenanceConfig = defineConfig('identity-maintenance', {
  /** How often API keys about to expire are looked for (their owners are told once); 0 turns it off. */
  API_KEY_EXPIRY_CHECK_MS: z.coerce.number().int().min(0).default(86_400_000),
  /** How often published outbox rows past their retention are deleted; 0 turns it off. */
  OUTBOX_RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
});

/** The gateway's queue: its maintenance queue, whose job schedulers run identity's periodic work. */
export const identityQueueOptions = (
  config: ConfigOf<typeof identityMaintenanceConfig>,
): QueueModuleOptions => ({
  queues: ['gateway-maintenance'],
  workers: { 'gateway-maintenance': {} },
  schedules: {
    'gateway-api-key-expiry': config.API_KEY_EXPIRY_CHECK_MS,
    'gateway-outbox-retention': config.OUTBOX_RETENTION_INTERVAL_MS,
  },
});
