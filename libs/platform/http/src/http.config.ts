import { z } from 'zod';
import { defineConfig, portSchema, servicePorts } from '@rentguy/platform/config';
import { publicJwksSchema } from './jwt-keys';

/** "name1:secret1, name2:secret2" as `{name, secret}` pairs, each secret at least 32 characters. */
const namedSecrets = (what: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => {
          const i = pair.indexOf(':');
          return i < 0 ? { name: '', secret: pair } : { name: pair.slice(0, i), secret: pair.slice(i + 1) };
        }),
    )
    .pipe(
      z.array(
        z.object({
          name: z.string().min(1, `each ${what} needs a name before ":"`),
          secret: z.string().min(32, `each ${what} needs at least 32 characters`),
        }),
      ),
    );

/**
 * An HTTP service's public port and body limit, and what its `AuthGuard` accepts:
 * - `JWT_PUBLIC_KEYS`: the Ed25519 public keys access tokens are verified with, a JWKS document
 *   (`{"keys":[{"kty":"OKP","crv":"Ed25519","x":…,"kid":…}]}`); every key verifies, chosen by the
 *   token's `kid`, so two keys can be live while one rotates. Only the gateway holds a private key
 *   (`JWT_SIGNING_KEY`, identity's config): no other service can mint a token;
 * - `SERVICE_TOKENS`: the credentials sibling services present on this service's service-only
 *   routes, by caller ("rentals:token1,rentals:token2": a caller may have two while one rotates).
 *   Unset, no service caller is accepted.
 */
export const httpConfig = defineConfig('http', (service) => {
  const ports: { http?: number; ops: number } = servicePorts[service];
  if (ports.http === undefined) {
    throw new Error(`${service} serves no HTTP: it has no public port in servicePorts`);
  }
  return {
    PORT: portSchema.default(ports.http),
    BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
    JWT_PUBLIC_KEYS: publicJwksSchema,
    SERVICE_TOKENS: namedSecrets('service token')
      .default([])
      .transform((tokens) => tokens.map(({ name, secret }) => ({ caller: name, secret }))),
    JWT_ISSUER: z.string().default('rentguy'),
  };
});
