import { createHash, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AccessTokenVerifier } from '@rentguy/platform/http';
import { startIdentityTestApp } from '../test/identity-test.app';

let app: NestFastifyApplication;
let verifier: AccessTokenVerifier;

/** A fresh address per test, so runs never collide with rows left by earlier runs. */
const email = (name = 'ann'): string => `${name}.${randomUUID().slice(0, 8)}@example.com`;
const password = 'correct horse battery staple';

beforeAll(async () => {
  app = await startIdentityTestApp();
  verifier = app.get(AccessTokenVerifier);
});

afterAll(async () => {
  await app?.close();
});

function register(body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/auth/register', payload: body });
}

function login(body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/v1/auth/login', payload: body });
}

describe('POST /v1/auth/register', () => {
  it('creates the account (email lowercased, argon2id hash) and returns a verifiable token', async () => {
    const address = email('Ann');
    const response = await register({
      email: address.toUpperCase(),
      password,
      name: 'Ann Host',
      role: 'host',
    });

    expect(response.statusCode).toBe(201);
    const body = response.json<{ user: { id: string; email: string; role: string }; accessToken: string }>();
    expect(body.user).toEqual({ id: expect.any(String), email: address.toLowerCase(), role: 'host' });
    await expect(verifier.verify(body.accessToken)).resolves.toEqual({
      id: body.user.id,
      email: address.toLowerCase(),
      name: 'Ann Host',
      role: 'host',
    });
    const [row] = (await app
      .get(DataSource)
      .query('SELECT email, password_hash FROM identity.users WHERE id = $1', [body.user.id])) as {
      email: string;
      password_hash: string;
    }[];
    expect(row?.email).toBe(address.toLowerCase());
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    expect(row?.password_hash).not.toContain(password);
  });

  it('refuses an email that is already registered, also in another case', async () => {
    const address = email();
    expect((await register({ email: address, password, name: 'Ann', role: 'guest' })).statusCode).toBe(201);

    const again = await register({
      email: address.toUpperCase(),
      password,
      name: 'Other Ann',
      role: 'guest',
    });

    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'email_taken' } });
  });

  it('lets exactly one of 10 concurrent registrations of one email through', async () => {
    const address = email('race');
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        register({
          email: i % 2 ? address : address.toUpperCase(),
          password,
          name: `Racer ${i}`,
          role: 'guest',
        }),
      ),
    );

    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
    const [{ count }] = (await app
      .get(DataSource)
      .query('SELECT count(*)::int AS count FROM identity.users WHERE email = $1', [address])) as {
      count: number;
    }[];
    expect(count).toBe(1);
  });

  it.each([
    ['an unknown field', { extra: true }],
    ['the admin role', { role: 'admin' }],
    ['a 9-character password', { password: '123456789' }],
    ['a 201-character password', { password: 'x'.repeat(201) }],
    ['a malformed email', { email: 'not-an-email' }],
  ])('rejects %s with 400', async (_, change) => {
    const response = await register({ email: email(), password, name: 'Ann', role: 'guest', ...change });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
  });
});

describe('POST /v1/auth/login', () => {
  const address = email('login');
  let userId: string;

  beforeAll(async () => {
    const response = await register({ email: address, password, name: 'Lou', role: 'guest' });
    userId = response.json<{ user: { id: string } }>().user.id;
  });

  it('returns a bearer token the services accept, for any case of the email', async () => {
    const response = await login({ email: address.toUpperCase(), password });

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<{ accessToken: string; tokenType: string; expiresIn: number }>();
    expect(body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    await expect(verifier.verify(body.accessToken)).resolves.toEqual({
      id: userId,
      email: address,
      name: 'Lou',
      role: 'guest',
      sessionId: expect.any(String),
    });
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const wrong = await login({ email: address, password: 'wrong horse battery staple' });
    const unknown = await login({ email: email('nobody'), password });

    expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
    const { error: wrongError } = wrong.json<{ error: { code: string; message: string } }>();
    const { error: unknownError } = unknown.json<{ error: { code: string; message: string } }>();
    expect(wrongError.code).toBe('invalid_credentials');
    expect([unknownError.code, unknownError.message]).toEqual([wrongError.code, wrongError.message]);
  });

  it('rejects unknown fields with 400', async () => {
    const response = await login({ email: address, password, rememberMe: true });

    expect(response.statusCode).toBe(400);
  });
});

interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

function refresh(refreshToken: unknown) {
  return app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
}

function logout(refreshToken: unknown) {
  return app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken } });
}

const sha256 = (token: string): Buffer => createHash('sha256').update(token).digest();

describe('sessions: POST /v1/auth/refresh and /v1/auth/logout', () => {
  const address = email('sessions');
  let userId: string;

  beforeAll(async () => {
    const response = await register({ email: address, password, name: 'Sam', role: 'host' });
    userId = response.json<{ user: { id: string } }>().user.id;
  });

  async function session(userAgent = 'int-spec/1.0'): Promise<TokenPair> {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'user-agent': userAgent },
      payload: { email: address, password },
    });
    expect(response.statusCode).toBe(200);
    return response.json<TokenPair>();
  }

  async function tokenRow(refreshToken: string) {
    const [row] = (await app.get(DataSource).query(
      `SELECT t.family_id, t.expires_at, t.rotated_at, f.user_id, f.user_agent, f.revoked_at, f.revoked_reason
       FROM identity.refresh_tokens t JOIN identity.session_families f ON f.id = t.family_id
       WHERE t.token_hash = $1`,
      [sha256(refreshToken)],
    )) as {
      family_id: string;
      expires_at: Date;
      rotated_at: Date | null;
      user_id: string;
      user_agent: string | null;
      revoked_at: Date | null;
      revoked_reason: string | null;
    }[];
    return row;
  }

  it('stores only a digest of the refresh token, with its family, user agent and a 30-day expiry', async () => {
    const pair = await session('RentGuy-iOS/3.2');

    const row = await tokenRow(pair.refreshToken);
    expect(row).toMatchObject({
      user_id: userId,
      user_agent: 'RentGuy-iOS/3.2',
      rotated_at: null,
      revoked_at: null,
    });
    const days = ((row?.expires_at.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThanOrEqual(30);
    const stored = (await app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM identity.refresh_tokens WHERE encode(token_hash, 'escape') LIKE $1`,
        [`%${pair.refreshToken}%`],
      )) as { n: number }[];
    expect(stored[0]?.n).toBe(0);
  });

  it('rotates: the new pair works, the spent refresh token does not, and the expiry slides', async () => {
    const first = await session();
    const firstRow = await tokenRow(first.refreshToken);

    const rotated = await refresh(first.refreshToken);

    expect(rotated.statusCode).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const second = rotated.json<TokenPair>();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.expiresIn).toBe(900);
    await expect(verifier.verify(second.accessToken)).resolves.toMatchObject({ id: userId, role: 'host' });
    const secondRow = await tokenRow(second.refreshToken);
    expect(secondRow?.family_id).toBe(firstRow?.family_id);
    expect(secondRow?.expires_at.getTime()).toBeGreaterThan(firstRow?.expires_at.getTime() ?? Infinity);
    expect((await tokenRow(first.refreshToken))?.rotated_at).toBeInstanceOf(Date);

    const third = await refresh(second.refreshToken);
    expect(third.statusCode).toBe(200);
  });

  it('revokes the whole family when a rotated token is used again, and answers 401', async () => {
    const first = await session();
    const second = (await refresh(first.refreshToken)).json<TokenPair>();
    const other = await session();

    const reuse = await refresh(first.refreshToken);

    expect(reuse.statusCode).toBe(401);
    expect(reuse.json<{ error: { code: string } }>().error.code).toBe('unauthenticated');
    expect(await tokenRow(second.refreshToken)).toMatchObject({ revoked_reason: 'reuse' });
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    // Another session of the same user is untouched.
    expect((await refresh(other.refreshToken)).statusCode).toBe(200);
  });

  it('lets exactly one of two concurrent refreshes of one token win; the other is a reuse', async () => {
    for (let round = 0; round < 5; round += 1) {
      const pair = await session();

      const responses = await Promise.all([refresh(pair.refreshToken), refresh(pair.refreshToken)]);

      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 401]);
      const winner = responses.find((r) => r.statusCode === 200)?.json<TokenPair>();
      // The loser cannot be told apart from a thief replaying the token: the family is revoked,
      // so the winner's new refresh token is dead too and the client logs in again.
      expect(await tokenRow(winner?.refreshToken ?? '')).toMatchObject({ revoked_reason: 'reuse' });
      expect((await refresh(winner?.refreshToken)).statusCode).toBe(401);
      const [count] = (await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM identity.refresh_tokens WHERE family_id = $1`, [
          (await tokenRow(pair.refreshToken))?.family_id,
        ])) as { n: number }[];
      expect(count?.n).toBe(2);
    }
  });

  it('logs out: no token of the session refreshes any more; logout is idempotent', async () => {
    const first = await session();
    const second = (await refresh(first.refreshToken)).json<TokenPair>();

    const out = await logout(second.refreshToken);

    expect(out.statusCode).toBe(204);
    expect(await tokenRow(second.refreshToken)).toMatchObject({ revoked_reason: 'logout' });
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    expect((await logout(second.refreshToken)).statusCode).toBe(204);
    expect((await logout('never-issued')).statusCode).toBe(204);
  });

  it('refuses an expired refresh token', async () => {
    const pair = await session();
    await app
      .get(DataSource)
      .query(
        `UPDATE identity.refresh_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
        [sha256(pair.refreshToken)],
      );

    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
  });

  it('refuses an unknown token with 401 and a malformed body with 400 naming the field', async () => {
    expect((await refresh('x'.repeat(43))).statusCode).toBe(401);

    const missing = await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: {} });
    const wrongType = await refresh(42);
    const extra = await app.inject({
      method: 'POST',
      url: '/v1/auth/refresh',
      payload: { refreshToken: 'abc', userId },
    });

    expect([missing.statusCode, wrongType.statusCode, extra.statusCode]).toEqual([400, 400, 400]);
    expect(missing.body).toContain('refreshToken');
    expect(wrongType.body).toContain('refreshToken');
    expect((await logout(42)).statusCode).toBe(400);
  });
});
