import { decodeProtectedHeader, decodeJwt } from 'jose';
import { ErrorCode } from '@rentguy/contracts';
import { AccessTokenVerifier, type Principal } from '@rentguy/platform/http';
import { AccessTokenIssuer } from './access-token.issuer';

const oldKey = { kid: 'k-2025', secret: 'an-old-secret-that-is-at-least-32-chars' };
const newKey = { kid: 'k-2026', secret: 'a-new-secret-that-is-also-32-chars-long' };
const ann: Principal = {
  id: '0b5f3c2e-8d0a-4a8e-9d59-6f1c2a7f9e11',
  email: 'ann@example.com',
  name: 'Ann',
  role: 'host',
};

const http = (keys: (typeof newKey)[], iss = 'rentguy') => ({
  PORT: 0,
  BODY_LIMIT_BYTES: 1_048_576,
  JWT_KEYS: keys,
  SERVICE_TOKENS: [],
  JWT_ISSUER: iss,
});

function issuer(keys = [newKey, oldKey], ttl = 900): AccessTokenIssuer {
  return new AccessTokenIssuer(http(keys), { JWT_TTL_SECONDS: ttl, REFRESH_TTL_DAYS: 30 });
}

function verifier(keys = [newKey, oldKey], iss = 'rentguy'): AccessTokenVerifier {
  return new AccessTokenVerifier(http(keys, iss));
}

describe('AccessTokenIssuer', () => {
  it('signs tokens the services verify back into the same principal', async () => {
    const { token, expiresIn } = await issuer().issue(ann);

    await expect(verifier().verify(token)).resolves.toEqual(ann);
    expect(expiresIn).toBe(900);
  });

  it('signs with the first configured key and names it in the kid header', async () => {
    const { token } = await issuer().issue(ann);

    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: 'k-2026' });
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

  it('keeps tokens signed before a rotation valid while the old key is still configured', async () => {
    const { token } = await issuer([oldKey]).issue(ann);

    await expect(verifier([newKey, oldKey]).verify(token)).resolves.toEqual(ann);
    await expect(verifier([newKey]).verify(token)).rejects.toMatchObject({ code: ErrorCode.Unauthenticated });
  });

  it('is rejected by a verifier expecting another issuer', async () => {
    const { token } = await issuer().issue(ann);

    await expect(verifier(undefined, 'someone-else').verify(token)).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
  });
});
