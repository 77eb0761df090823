import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** Whom a test token names (the claims the gateway puts in an access token). */
export interface TestTokenSubject {
  id: string;
  role: string;
  email: string;
  name: string;
}

export interface TestTokenOptions {
  /** `iss`; the apps' default `JWT_ISSUER` unless given. */
  issuer?: string;
  /** A jose time span, `10m` unless given. */
  expiresIn?: string;
}

/**
 * An Ed25519 key pair for tests, in the shapes the apps read: `signingKey` is a `JWT_SIGNING_KEY`
 * (the gateway's), `jwk` the public key that goes into a `JWT_PUBLIC_KEYS` document (`jwks(...)`).
 */
export class TestSigningKey {
  readonly signingKey: string;
  readonly jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string };
  private readonly privateKey: KeyObject;

  constructor(readonly kid: string) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pub = publicKey.export({ format: 'jwk' });
    const priv = privateKey.export({ format: 'jwk' });
    this.privateKey = privateKey;
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x: String(pub.x), kid };
    this.signingKey = JSON.stringify({ ...this.jwk, d: priv.d });
  }

  /** An access token for `user`, as the gateway would sign it with this key. */
  sign(user: TestTokenSubject, options: TestTokenOptions = {}): Promise<string> {
    return new SignJWT({ role: user.role, email: user.email, name: user.name })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: this.kid })
      .setSubject(user.id)
      .setIssuer(options.issuer ?? 'rentguy')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '10m')
      .sign(this.privateKey);
  }
}

/** A `JWT_PUBLIC_KEYS` document of the keys' public halves. */
export function jwks(...keys: TestSigningKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.jwk) });
}

/**
 * The key every test of one process signs with by default, so a harness and a fake in the same
 * test file agree without passing keys around.
 */
export const testSigningKey = new TestSigningKey('test-1');

/** The environment that makes an app verify `testSigningKey`'s tokens (and, at the gateway, sign with it). */
export function testJwtEnv(key: TestSigningKey = testSigningKey): {
  JWT_PUBLIC_KEYS: string;
  JWT_SIGNING_KEY: string;
} {
  return { JWT_PUBLIC_KEYS: jwks(key), JWT_SIGNING_KEY: key.signingKey };
}
