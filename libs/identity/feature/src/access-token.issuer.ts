import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { httpConfig, type Principal } from '@rentguy/platform/http';
import { identityConfig } from './identity.config';

export interface IssuedAccessToken {
  token: string;
  /** Lifetime in seconds. */
  expiresIn: number;
}

/**
 * Signs HS256 access tokens with the FIRST key of JWT_KEYS (its id in the `kid` header); every
 * configured key still verifies, so a new key can be put first while old tokens run out.
 */
@Injectable()
export class AccessTokenIssuer {
  private readonly kid: string;
  private readonly secret: Uint8Array;
  private readonly issuer: string;
  private readonly ttlSeconds: number;

  constructor(
    @InjectConfig(httpConfig) http: ConfigOf<typeof httpConfig>,
    @InjectConfig(identityConfig) identity: ConfigOf<typeof identityConfig>,
  ) {
    const [signing] = http.JWT_KEYS;
    if (!signing) {
      throw new Error('JWT_KEYS has no key to sign with');
    }
    this.kid = signing.kid;
    this.secret = new TextEncoder().encode(signing.secret);
    this.issuer = http.JWT_ISSUER;
    this.ttlSeconds = identity.JWT_TTL_SECONDS;
  }

  async issue(principal: Principal): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = this.ttlSeconds;
    const token = await new SignJWT({ role: principal.role, email: principal.email, name: principal.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: this.kid })
      .setSubject(principal.id)
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(this.secret);
    return { token, expiresIn };
  }
}
