import { z } from 'zod';
import { defineConfig } from '@rentguy/platform/config';
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
