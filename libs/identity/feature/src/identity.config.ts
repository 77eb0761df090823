import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';

/** How long an access token the gateway signs lives; its keys are the HTTP config's `JWT_KEYS`. */
export const identityConfig = defineConfig('identity', {
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(900),
});
