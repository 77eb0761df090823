import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { APP_CONFIG } from '@rentguy/platform/config';
import type { Principal } from '@rentguy/platform/http';

interface JwtSignConfig {
  JWT_KEYS: { kid: string; secret: string }[];
  JWT_ISSUER: string;
  JWT_TTL_SECONDS: number;
}

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

  constructor(@Inject(APP_CONFIG) private readonly config: JwtSignConfig) {
    const [signing] = config.JWT_KEYS;
    if (!signing) {
      throw new Error('JWT_KEYS has no key to sign with');
    }
    this.kid = signing.kid;
    this.secret = new TextEncoder().encode(signing.secret);
  }

  async issue(principal: Principal): Promise<IssuedAccessToken> {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = this.config.JWT_TTL_SECONDS;
    const token = await new SignJWT({ role: principal.role, email: principal.email, name: principal.name })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: this.kid })
      .setSubject(principal.id)
      .setIssuer(this.config.JWT_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + expiresIn)
      .setJti(randomUUID())
      .sign(this.secret);
    return { token, expiresIn };
  }
}
