import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { ACCESS_TOKEN_ALGORITHM, httpConfig, type Principal } from '@rentguy/platform/http';
import { identityConfig } from './identity.config';

export interface IssuedAccessToken {
  token: string;
  /** Lifetime in seconds. */
  expiresIn: number;
}

/**
 * Signs EdDSA access tokens with `JWT_SIGNING_KEY`, its id in the `kid` header. Refuses to boot when
 * that key's public half is not among `JWT_PUBLIC_KEYS`: it would sign tokens nobody accepts.
 */
@Injectable()
export class AccessTokenIssuer {
  private readonly kid: string;
  private readonly key: KeyObject;
  private readonly issuer: string;
  private readonly ttlSeconds: number;

  constructor(
    @InjectConfig(httpConfig) http: ConfigOf<typeof httpConfig>,
    @InjectConfig(identityConfig) identity: ConfigOf<typeof identityConfig>,
  ) {
    const signing = identity.JWT_SIGNING_KEY;
    const published = http.JWT_PUBLIC_KEYS.find((k) => k.kid === signing.kid);
    if (!published || published.x !== signing.x) {
      throw new Error(
        `JWT_SIGNING_KEY (kid ${signing.kid}) has no matching public key in JWT_PUBLIC_KEYS: add its public half first`,
      );
    }
    this.kid = signing.kid;
    this.key = createPrivateKey({
      key: { kty: signing.kty, crv: signing.crv, x: signing.x, d: signing.d },
      format: 'jwk',
    });
    this.issuer = http.JWT_ISSUER;
    this.ttlSeconds = identity.JWT_TTL_SECONDS;
  }

  async issue(principal: Principal): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = this.ttlSeconds;
    const claims = {
      role: principal.role,
      email: principal.email,
      name: principal.name,
      ...(principal.sessionId ? { sid: principal.sessionId } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, typ: 'JWT', kid: this.kid })
      .setSubject(principal.id)
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(this.key);
    return { token, expiresIn };
  }
}
