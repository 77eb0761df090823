import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/**
 * How long an access token the gateway signs lives (at most 15 minutes; its keys are the HTTP
 * config's `JWT_KEYS`), and how long a refresh token stays usable without being used (sliding).
 */
export const identityConfig = defineConfig('identity', {
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  REFRESH_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
});
