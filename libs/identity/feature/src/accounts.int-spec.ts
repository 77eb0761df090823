import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { identitySchema } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { testEnvironment, testSigningKey } from '@rentguy/testing/platform';
import { AdminAccountService } from './admin-account.service';
import { AdminCommandModule, adminCommandConfig } from './admin-command.module';
import { startIdentityTestApp } from '../test/identity-test.app';

let app: NestFastifyApplication;
let db: DataSource;

const password = 'correct horse battery staple';
const email = (name: string): string => `${name}.${randomUUID().slice(0, 8)}@example.com`;

beforeAll(async () => {
  app = await startIdentityTestApp();
  db = app.get(DataSource);
});

afterAll(async () => {
  await app?.close();
});

interface Json {
  [key: string]: unknown;
}

function call(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Json, token?: string) {
  return app.inject({
    method,
    url,
    ...(payload ? { payload } : {}),
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

async function registered(
  name: string,
  role: 'guest' | 'host' = 'guest',
): Promise<{ id: string; email: string; accessToken: string }> {
  const address = email(name);
  const response = await call('POST', '/v1/auth/register', { email: address, password, name, role });
  expect(response.statusCode).toBe(201);
  const body = response.json<{ user: { id: string }; accessToken: string }>();
  return { id: body.user.id, email: address, accessToken: body.accessToken };
}

async function login(
  address: string,
  secret = password,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await call('POST', '/v1/auth/login', { email: address, password: secret });
  expect(response.statusCode).toBe(200);
  return response.json();
}

/** The events identity wrote to its outbox about `userId`, oldest first. */
async function outboxOf(userId: string): Promise<{ type: string; topic: string; payload: Json }[]> {
  return (await db.query(
    `SELECT type, topic, payload FROM ${identitySchema.name}.outbox WHERE key = $1 ORDER BY id`,
    [userId],
  )) as { type: string; topic: string; payload: Json }[];
}

/** An admin straight through SQL (the `admin:create` command does the same through the service). */
async function admin(): Promise<string> {
  const user = await registered('root');
  await db.query(`UPDATE identity.users SET role = 'admin' WHERE id = $1`, [user.id]);
  return (await login(user.email)).accessToken;
}

describe('identity.user.v1 through the outbox', () => {
  it('writes user.registered with the locale in the transaction that creates the account', async () => {
    const address = email('nl');
    const response = await call('POST', '/v1/auth/register', {
      email: address,
      password,
      name: 'Noor',
      role: 'host',
      locale: 'nl',
    });
    const { id } = response.json<{ user: { id: string } }>().user;

    const events = await outboxOf(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'user.registered',
      topic: 'identity.user.v1',
      payload: {
        type: 'user.registered',
        aggregateId: id,
        data: { userId: id, email: address, name: 'Noor', locale: 'nl', role: 'host' },
      },
    });
  });

  it('writes nothing for a registration that fails (email taken)', async () => {
    const user = await registered('dup');
    const again = await call('POST', '/v1/auth/register', {
      email: user.email,
      password,
      name: 'Dup',
      role: 'guest',
    });

    expect(again.statusCode).toBe(409);
    const [{ n }] = (await db.query(
      `SELECT count(*)::int AS n FROM identity.outbox WHERE payload->'data'->>'email' = $1`,
      [user.email],
    )) as [{ n: number }];
    expect(n).toBe(1);
  });
});

describe('GET and PATCH /v1/me', () => {
  it('shows the caller their own account, never the password hash', async () => {
    const user = await registered('me');

    const response = await call('GET', '/v1/me', undefined, user.accessToken);

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.json()).toEqual({
      id: user.id,
      email: user.email,
      name: 'me',
      role: 'guest',
      locale: 'en',
      createdAt: expect.any(String),
    });
    expect(response.body).not.toContain('argon2');
  });

  it('requires a token', async () => {
    expect((await call('GET', '/v1/me')).statusCode).toBe(401);
  });

  it('changes name and locale and publishes user.updated', async () => {
    const user = await registered('patch');

    const response = await call('PATCH', '/v1/me', { name: 'Pat Smit', locale: 'nl' }, user.accessToken);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: user.id, name: 'Pat Smit', locale: 'nl' });
    expect((await call('GET', '/v1/me', undefined, user.accessToken)).json()).toMatchObject({
      name: 'Pat Smit',
      locale: 'nl',
    });
    const events = await outboxOf(user.id);
    expect(events.map((e) => e.type)).toEqual(['user.registered', 'user.updated']);
    expect(events[1]?.payload['data']).toEqual({
      userId: user.id,
      email: user.email,
      name: 'Pat Smit',
      locale: 'nl',
    });
  });

  it.each([
    ['role', { role: 'admin' }],
    ['email', { email: 'other@example.com' }],
    ['an unsupported locale', { locale: 'de' }],
    ['an empty body', {}],
    ['an unknown field', { name: 'Ok', nickname: 'x' }],
  ])('refuses %s with 400 naming the field', async (_, payload) => {
    const user = await registered('mass');

    const response = await call('PATCH', '/v1/me', payload, user.accessToken);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed' } });
    const named = Object.keys(payload)[0];
    if (named && named !== 'name') {
      expect(response.body).toContain(named);
    }
    expect((await call('GET', '/v1/me', undefined, user.accessToken)).json()).toMatchObject({
      role: 'guest',
    });
  });
});

describe('POST /v1/me/password', () => {
  it("requires the current password, then ends every other session but the caller's", async () => {
    const user = await registered('pw');
    const here = await login(user.email);
    const elsewhere = await login(user.email);

    const wrong = await call(
      'POST',
      '/v1/me/password',
      { currentPassword: 'not my password', newPassword: 'a brand new passphrase' },
      here.accessToken,
    );
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'invalid_credentials' } });

    const changed = await call(
      'POST',
      '/v1/me/password',
      { currentPassword: password, newPassword: 'a brand new passphrase' },
      here.accessToken,
    );

    expect(changed.statusCode).toBe(204);
    const refresh = (token: string) => call('POST', '/v1/auth/refresh', { refreshToken: token });
    expect((await refresh(elsewhere.refreshToken)).statusCode).toBe(401);
    expect((await refresh(here.refreshToken)).statusCode).toBe(200);
    expect((await call('POST', '/v1/auth/login', { email: user.email, password })).statusCode).toBe(401);
    await login(user.email, 'a brand new passphrase');
  });

  it('refuses a too-short new password with 400', async () => {
    const user = await registered('short');
    const response = await call(
      'POST',
      '/v1/me/password',
      { currentPassword: password, newPassword: 'short' },
      user.accessToken,
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('newPassword');
  });
});

describe('password reset', () => {
  /** The token identity handed to notifications for the user, from its outbox. */
  async function resetTokenOf(userId: string): Promise<{ token: string; expiresAt: string }> {
    const events = (await outboxOf(userId)).filter((e) => e.type === 'password-reset.requested');
    const data = events.at(-1)?.payload['data'] as { token: string; expiresAt: string } | undefined;
    if (!data) {
      throw new Error('no password-reset.requested event');
    }
    return data;
  }

  const confirm = (token: string, newPassword = 'the reset passphrase') =>
    call('POST', '/v1/auth/password-reset/confirm', { token, newPassword });

  it('answers 202 for known and unknown addresses alike, and publishes a token only for the known one', async () => {
    const user = await registered('reset');
    const [before] = (await db.query(`SELECT count(*)::int AS n FROM identity.outbox`)) as [{ n: number }];

    const known = await call('POST', '/v1/auth/password-reset', { email: user.email.toUpperCase() });
    const unknown = await call('POST', '/v1/auth/password-reset', { email: email('nobody') });

    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(known.body).toBe(unknown.body);
    const [after] = (await db.query(`SELECT count(*)::int AS n FROM identity.outbox`)) as [{ n: number }];
    // The profile (so notifications can address the email) and the request itself.
    expect(after.n - before.n).toBe(2);
    const { token, expiresAt } = await resetTokenOf(user.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const minutes = (Date.parse(expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29.9);
    expect(minutes).toBeLessThanOrEqual(30);
    const stored = (await db.query(
      `SELECT count(*)::int AS n FROM identity.password_reset_tokens WHERE user_id = $1 AND position($2::bytea in token_hash) > 0`,
      [user.id, Buffer.from(token)],
    )) as [{ n: number }];
    expect(stored[0].n).toBe(0);
  });

  it('sets the new password with a single-use token and ends every session', async () => {
    const user = await registered('confirm');
    const session = await login(user.email);
    await call('POST', '/v1/auth/password-reset', { email: user.email });
    const { token } = await resetTokenOf(user.id);

    expect((await confirm(token)).statusCode).toBe(204);

    await login(user.email, 'the reset passphrase');
    expect((await call('POST', '/v1/auth/login', { email: user.email, password })).statusCode).toBe(401);
    expect((await call('POST', '/v1/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(
      401,
    );
    const again = await confirm(token, 'yet another passphrase');
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('lets one of two concurrent confirmations of a token through', async () => {
    const user = await registered('race');
    await call('POST', '/v1/auth/password-reset', { email: user.email });
    const { token } = await resetTokenOf(user.id);

    const statuses = (
      await Promise.all([confirm(token, 'first passphrase!'), confirm(token, 'second passphrase')])
    )
      .map((r) => r.statusCode)
      .sort();

    expect(statuses).toEqual([204, 401]);
  });

  it('refuses an expired token, and a token superseded by a newer request', async () => {
    const user = await registered('expired');
    await call('POST', '/v1/auth/password-reset', { email: user.email });
    const first = (await resetTokenOf(user.id)).token;
    await call('POST', '/v1/auth/password-reset', { email: user.email });
    const second = (await resetTokenOf(user.id)).token;
    expect((await confirm(first)).statusCode).toBe(401);

    await db.query(
      `UPDATE identity.password_reset_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user.id],
    );

    expect((await confirm(second)).statusCode).toBe(401);
    await login(user.email);
  });

  it('validates both bodies', async () => {
    expect((await call('POST', '/v1/auth/password-reset', { email: 'a@b.c', extra: 1 })).statusCode).toBe(
      400,
    );
    const short = await confirm('x'.repeat(43), 'short');
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('newPassword');
  });
});

describe('admins: GET /v1/admin/users and PATCH /v1/admin/users/:id', () => {
  it('is for admins only', async () => {
    const host = await registered('nosy', 'host');
    const token = await testSigningKey.sign({ id: host.id, role: 'host', email: host.email, name: 'nosy' });

    expect((await call('GET', '/v1/admin/users', undefined, token)).statusCode).toBe(403);
    expect((await call('PATCH', `/v1/admin/users/${host.id}`, { role: 'admin' }, token)).statusCode).toBe(
      403,
    );
    expect((await call('GET', '/v1/admin/users')).statusCode).toBe(401);
  });

  it('pages through users newest first, filtered by role and email', async () => {
    const token = await admin();
    const tag = randomUUID().slice(0, 8);
    const made: string[] = [];
    for (const i of [1, 2, 3]) {
      const address = `paged-${tag}-${i}@example.com`;
      const response = await call('POST', '/v1/auth/register', {
        email: address,
        password,
        name: `P${i}`,
        role: 'host',
      });
      made.push(response.json<{ user: { id: string } }>().user.id);
    }
    await call('POST', '/v1/auth/register', {
      email: `paged-${tag}-g@example.com`,
      password,
      name: 'G',
      role: 'guest',
    });

    const first = await call('GET', `/v1/admin/users?role=host&email=PAGED-${tag}&limit=2`, undefined, token);
    expect(first.statusCode).toBe(200);
    const page1 = first.json<{ items: { id: string; role: string }[]; nextCursor: string | null }>();
    expect(page1.items.map((u) => u.id)).toEqual([made[2], made[1]]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await call(
      'GET',
      `/v1/admin/users?role=host&email=paged-${tag}&limit=2&cursor=${page1.nextCursor}`,
      undefined,
      token,
    );
    const page2 = second.json<{ items: { id: string }[]; nextCursor: string | null }>();
    expect(page2).toEqual({ items: [expect.objectContaining({ id: made[0] })], nextCursor: null });
    expect(second.body).not.toContain('argon2');

    expect((await call('GET', '/v1/admin/users?role=owner', undefined, token)).statusCode).toBe(400);
    expect((await call('GET', '/v1/admin/users?sort=email', undefined, token)).statusCode).toBe(400);
    expect((await call('GET', '/v1/admin/users?cursor=bogus', undefined, token)).statusCode).toBe(400);
  });

  it("changes a role, which the user's next refreshed token carries", async () => {
    const token = await admin();
    const user = await registered('promoted');
    const session = await login(user.email);

    const response = await call('PATCH', `/v1/admin/users/${user.id}`, { role: 'host' }, token);

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: user.id, role: 'host' });
    const refreshed = await call('POST', '/v1/auth/refresh', { refreshToken: session.refreshToken });
    const me = await call('GET', '/v1/me', undefined, refreshed.json<{ accessToken: string }>().accessToken);
    expect(me.json()).toMatchObject({ role: 'host' });

    expect((await call('PATCH', `/v1/admin/users/${randomUUID()}`, { role: 'host' }, token)).statusCode).toBe(
      404,
    );
    expect((await call('PATCH', `/v1/admin/users/${user.id}`, { role: 'owner' }, token)).statusCode).toBe(
      400,
    );
    expect(
      (await call('PATCH', `/v1/admin/users/${user.id}`, { role: 'host', email: 'x@y.z' }, token)).statusCode,
    ).toBe(400);
    expect((await call('PATCH', '/v1/admin/users/not-a-uuid', { role: 'host' }, token)).statusCode).toBe(400);
  });
});

describe('admin:create (AdminAccountService)', () => {
  let command: INestApplicationContext;

  beforeAll(async () => {
    command = await NestFactory.createApplicationContext(
      AdminCommandModule.forRoot(
        loadConfig(adminCommandConfig, { env: { DATABASE_URL: testEnvironment().databaseUrl } }),
      ),
      { logger: false },
    );
  });

  afterAll(async () => {
    await command?.close();
  });

  it('creates an admin nobody can log in as until a password reset, or promotes an existing account', async () => {
    const service = command.get(AdminAccountService);
    const address = email('Boss');

    const created = await service.createOrPromote(`  ${address.toUpperCase()} `);

    expect(created).toEqual({ outcome: 'created', userId: expect.any(String), email: address.toLowerCase() });
    const [row] = (await db.query(`SELECT role, name, password_hash FROM identity.users WHERE id = $1`, [
      created.userId,
    ])) as { role: string; name: string; password_hash: string }[];
    expect(row).toMatchObject({ role: 'admin', name: address.toLowerCase().split('@')[0] });
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
    expect(await service.createOrPromote(address)).toMatchObject({
      outcome: 'unchanged',
      userId: created.userId,
    });

    const guest = await registered('later-admin');
    expect(await service.createOrPromote(guest.email)).toEqual({
      outcome: 'promoted',
      userId: guest.id,
      email: guest.email,
    });
    const session = await login(guest.email);
    const me = await call('GET', '/v1/me', undefined, session.accessToken);
    expect(me.json()).toMatchObject({ role: 'admin' });
    expect((await call('GET', '/v1/admin/users?limit=1', undefined, session.accessToken)).statusCode).toBe(
      200,
    );

    await expect(service.createOrPromote('not an email')).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('refuses the admin role at registration', async () => {
    const response = await call('POST', '/v1/auth/register', {
      email: email('self-admin'),
      password,
      name: 'Self',
      role: 'admin',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('role');
  });
});
