import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { ErrorCode } from '@rentguy/contracts';
import { AccessTokenVerifier, type Principal, type PrivateJwk, type PublicJwk } from '@rentguy/platform/http';
import { AccessTokenIssuer } from './access-token.issuer';

function keyPair(kid: string): { pub: PublicJwk; priv: PrivateJwk } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = String(publicKey.export({ format: 'jwk' }).x);
  const d = String(privateKey.export({ format: 'jwk' }).d);
  return {
    pub: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' },
    priv: { kty: 'OKP', crv: 'Ed25519', x, d, kid },
  };
}

const oldKey = keyPair('k-2025');
const newKey = keyPair('k-2026');
const ann: Principal = {
  id: '0b5f3c2e-8d0a-4a8e-9d59-6f1c2a7f9e11',
  email: 'ann@example.com',
  name: 'Ann',
  role: 'host',
};

const http = (keys: PublicJwk[], iss = 'rentguy') => ({
  PORT: 0,
  BODY_LIMIT_BYTES: 1_048_576,
  JWT_PUBLIC_KEYS: keys,
  SERVICE_TOKENS: [],
  JWT_ISSUER: iss,
});

const identity = (signing: PrivateJwk, ttl = 900) => ({
  JWT_SIGNING_KEY: signing,
  JWT_TTL_SECONDS: ttl,
  REFRESH_TTL_DAYS: 30,
  PASSWORD_RESET_TTL_MINUTES: 30,
});

function issuer(signing = newKey, published = [newKey, oldKey]): AccessTokenIssuer {
  return new AccessTokenIssuer(http(published.map((k) => k.pub)), identity(signing.priv));
}

function verifier(keys = [newKey, oldKey], iss = 'rentguy'): AccessTokenVerifier {
  return new AccessTokenVerifier(
    http(
      keys.map((k) => k.pub),
      iss,
    ),
  );
}

describe('AccessTokenIssuer', () => {
  it('signs tokens the services verify back into the same principal with public keys only', async () => {
    const { token, expiresIn } = await issuer().issue(ann);

    await expect(verifier().verify(token)).resolves.toEqual(ann);
    expect(expiresIn).toBe(900);
  });

  it("signs with EdDSA under the signing key's kid", async () => {
    const { token } = await issuer().issue(ann);

    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: 'k-2026' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: ann.id,
      role: 'host',
      email: ann.email,
      name: 'Ann',
      iss: 'rentguy',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(900);
  });

  it('keeps tokens signed before a rotation valid while the old public key is still configured', async () => {
    const { token } = await issuer(oldKey, [oldKey]).issue(ann);

    await expect(verifier([newKey, oldKey]).verify(token)).resolves.toEqual(ann);
    await expect(verifier([newKey]).verify(token)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('refuses to boot with a signing key whose public half is not published', () => {
    expect(() => issuer(newKey, [oldKey])).toThrow(/no matching public key/);
    // Same kid, other key material.
    expect(() => issuer({ ...newKey, priv: { ...oldKey.priv, kid: 'k-2026' } }, [newKey])).toThrow(
      /no matching public key/,
    );
  });

  it('is rejected by a verifier expecting another issuer, and an HS256 token is refused', async () => {
    const { token } = await issuer().issue(ann);

    await expect(verifier(undefined, 'someone-else').verify(token)).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
    const [, payload, signature] = token.split('.');
    const hs = Buffer.from(JSON.stringify({ alg: 'HS256', kid: 'k-2026' })).toString('base64url');
    await expect(verifier().verify(`${hs}.${payload}.${signature}`)).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
  });
});
