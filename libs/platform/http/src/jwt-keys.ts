import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/** The one signature algorithm of access tokens: Ed25519 (JOSE `EdDSA`). */
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';

/** An Ed25519 public key as a JWK, named by `kid`. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: typeof ACCESS_TOKEN_ALGORITHM;
  use: 'sig';
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

const publicJwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: base64url.length(43),
    kid: z.string().min(1).max(64),
    alg: z.literal(ACCESS_TOKEN_ALGORITHM).optional(),
    use: z.literal('sig').optional(),
  })
  .loose()
  .refine((jwk) => !('d' in jwk), 'a verification key must be a public key (no "d")')
  .transform(({ kty, crv, x, kid }): PublicJwk => ({
    kty,
    crv,
    x,
    kid,
    alg: ACCESS_TOKEN_ALGORITHM,
    use: 'sig',
  }));

const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

/**
 * `JWT_PUBLIC_KEYS`: a JWKS document (`{"keys":[…]}`) of Ed25519 public keys, each with a unique
 * `kid`. Private keys are refused: a service that verifies must not be able to sign.
 */
export const publicJwksSchema = json.pipe(
  z
    .object({ keys: z.array(publicJwkSchema).min(1, 'needs at least one key') })
    .refine(({ keys }) => new Set(keys.map((k) => k.kid)).size === keys.length, 'each key needs its own kid')
    .transform(({ keys }) => keys),
);

/** An Ed25519 private key as a JWK (`JWT_SIGNING_KEY`), with the `kid` it signs under. */
export interface PrivateJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
  kid: string;
}

export const privateJwkSchema = json.pipe(
  z
    .object({
      kty: z.literal('OKP'),
      crv: z.literal('Ed25519'),
      x: base64url.length(43),
      d: base64url.length(43),
      kid: z.string().min(1).max(64),
    })
    .loose()
    .transform(({ kty, crv, x, d, kid }): PrivateJwk => ({ kty, crv, x, d, kid })),
);

/** The verification keys by `kid`, as Node key objects. */
export function publicKeysByKid(keys: readonly PublicJwk[]): Map<string, KeyObject> {
  return new Map(
    keys.map((jwk) => [
      jwk.kid,
      createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' }),
    ]),
  );
}
