import { z } from 'zod';
import { defineConfig, portSchema, servicePorts } from '@rentguy/platform/config';

/**
 * An HTTP service's public port and body limit, and the keys its `AuthGuard` verifies access tokens
 * with: HMAC keys by key id ("kid1:secret1,kid2:secret2"); the first signs (at the gateway), all
 * verify, so keys can rotate.
 */
export const httpConfig = defineConfig('http', (service) => {
  const ports: { http?: number; ops: number } = servicePorts[service];
  if (ports.http === undefined) {
    throw new Error(`${service} serves no HTTP: it has no public port in servicePorts`);
  }
  return {
    PORT: portSchema.default(ports.http),
    BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
    JWT_KEYS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((pair) => pair.trim())
          .filter(Boolean)
          .map((pair) => {
            const i = pair.indexOf(':');
            return { kid: pair.slice(0, i), secret: pair.slice(i + 1) };
          }),
      )
      .pipe(
        z
          .array(
            z.object({
              kid: z.string().min(1),
              secret: z.string().min(32, 'each JWT secret needs at least 32 characters'),
            }),
          )
          .min(1),
      ),
    JWT_ISSUER: z.string().default('rentguy'),
  };
});
