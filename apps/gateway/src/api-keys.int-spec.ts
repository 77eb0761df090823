import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { identitySchema } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { testEnvironment, testJwtEnv } from '@rentguy/testing/platform';
import { ApiKeyExpiryReminder } from '@rentguy/identity/feature';
import { queueTesting } from '@rentguy/testing/queue';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// Partners' API keys against the gateway as it boots, with PostgreSQL for the keys and a tiny HTTP
// server standing in for rentals (it records what the gateway forwards).

let rentals: Server;
const rentalsSaw: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
let app: NestFastifyApplication;
let db: DataSource;

type Json = Record<string, unknown>;

beforeAll(async () => {
  rentals = createServer((req, res) => {
    rentalsSaw.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  });
  await new Promise<void>((resolve) => rentals.listen(0, '127.0.0.1', resolve));
  const config = loadConfig(appConfig, {
    env: {
      DATABASE_URL: testEnvironment().databaseUrl,
      ...testJwtEnv(),
      RENTALS_URL: `http://127.0.0.1:${(rentals.address() as AddressInfo).port}`,
      LOG_LEVEL: 'silent',
      // The reminder runs when this test says so.
      API_KEY_EXPIRY_CHECK_MS: '0',
    },
  });
  await migrateSchema(identitySchema, {
    url: config.DATABASE_URL,
    applicationName: 'gateway-api-keys-migrate',
  });
  // Test files share identity's outbox table: this one writes events but relays none.
  app = await createApp(config, {
    messaging: { relay: false },
    queue: { prefix: queueTesting.randomPrefix() },
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  db = app.get(DataSource);
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => (rentals ? rentals.close(() => resolve()) : resolve()));
});

async function register(role: 'host' | 'guest'): Promise<{ id: string; token: string }> {
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: {
      email: `keys.${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery',
      name: 'Kay Partner',
      role,
    },
  });
  expect(reply.statusCode).toBe(201);
  const body = reply.json<{ user: { id: string }; accessToken: string }>();
  return { id: body.user.id, token: body.accessToken };
}

async function createKey(token: string, payload: Json): Promise<{ status: number; body: Json }> {
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { authorization: `Bearer ${token}` },
    payload,
  });
  return { status: reply.statusCode, body: reply.json<Json>() };
}

function call(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>) {
  return app.inject({ method, url, headers, ...(method === 'POST' ? { payload: {} } : {}) });
}

it('creates a key whose secret is shown once, lists it without the secret, and stores only a digest', async () => {
  const host = await register('host');
  const created = await createKey(host.token, { name: 'Channel manager', scopes: ['properties:read'] });

  expect(created.status).toBe(201);
  const key = String(created.body['key']);
  expect(key).toMatch(/^rgk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
  expect(created.body).toMatchObject({
    name: 'Channel manager',
    scopes: ['properties:read'],
    lastUsedAt: null,
  });
  const days = (Date.parse(String(created.body['expiresAt'])) - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(89.9);
  expect(days).toBeLessThanOrEqual(90);

  const listed = await call('GET', '/v1/api-keys', { authorization: `Bearer ${host.token}` });
  expect(listed.statusCode).toBe(200);
  expect(listed.headers['cache-control']).toBe('private, no-store');
  const items = listed.json<{ items: Json[] }>().items;
  expect(items).toEqual([expect.objectContaining({ id: created.body['id'], prefix: key.slice(0, 16) })]);
  expect(JSON.stringify(items)).not.toContain(key.slice(17));

  const [row] = await db.query(`SELECT * FROM identity.api_keys WHERE id = $1`, [created.body['id']]);
  expect(JSON.stringify(row)).not.toContain(key.slice(17));
  expect((row as { secret_hash: Buffer }).secret_hash).toHaveLength(32);
});

it('refuses bad key requests with 400 naming the field', async () => {
  const host = await register('host');
  const cases: [Json, string][] = [
    [{ name: 'x', scopes: ['properties:read'], hostId: randomUUID() }, 'hostId'],
    [{ name: 'x', scopes: ['root'] }, 'scopes'],
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['properties:read', 'properties:read'] }, 'scopes'],
    [{ name: 'x', scopes: ['properties:read'], expiresInDays: 366 }, 'expiresInDays'],
    [{ name: '', scopes: ['properties:read'] }, 'name'],
  ];
  for (const [payload, field] of cases) {
    const reply = await createKey(host.token, payload);
    expect(reply.status).toBe(400);
    expect(JSON.stringify(reply.body)).toContain(field);
  }
  const anonymous = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    payload: { name: 'x', scopes: ['properties:read'] },
  });
  expect(anonymous.statusCode).toBe(401);
});

it("acts as its owner behind the gateway: the service sees the owner's access token, never the key", async () => {
  const host = await register('host');
  const { body } = await createKey(host.token, {
    name: 'PMS',
    scopes: ['properties:read', 'properties:write'],
  });
  const key = String(body['key']);

  const presentations: Record<string, string>[] = [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }];
  for (const headers of presentations) {
    const reply = await call('GET', '/v1/host/properties', headers);
    expect(reply.statusCode).toBe(200);
    const forwarded = rentalsSaw.at(-1)?.headers ?? {};
    expect(forwarded['x-api-key']).toBeUndefined();
    const bearer = String(forwarded.authorization).replace(/^Bearer /, '');
    expect(bearer).not.toContain(key);
    expect(decodeJwt(bearer)).toMatchObject({ sub: host.id, role: 'host' });
  }
  const write = await call('POST', '/v1/properties', { 'x-api-key': key });
  expect(write.statusCode).toBe(200);
  expect(rentalsSaw.at(-1)).toMatchObject({ method: 'POST', url: '/v1/properties' });
});

it('enforces scopes per route, and keeps accounts, keys and payments closed to API keys', async () => {
  const host = await register('host');
  const { body } = await createKey(host.token, { name: 'Read only', scopes: ['properties:read'] });
  const headers = { 'x-api-key': String(body['key']) };
  const before = rentalsSaw.length;

  const write = await call('POST', '/v1/properties', headers);
  expect(write.statusCode).toBe(403);
  expect(write.json()).toMatchObject({
    error: { code: 'forbidden', details: { requiredScope: 'properties:write' } },
  });
  expect((await call('GET', '/v1/host/bookings', headers)).statusCode).toBe(403);
  for (const [method, url] of [
    ['GET', '/v1/api-keys'],
    ['POST', '/v1/api-keys'],
    ['POST', '/v1/bookings'],
    ['GET', `/v1/bookings/${randomUUID()}/payments`],
    ['GET', '/v1/me/notifications'],
  ] as const) {
    const reply = await call(method, url, headers);
    expect({ method, url, status: reply.statusCode }).toEqual({ method, url, status: 403 });
  }
  expect(rentalsSaw.length).toBe(before);
  expect((await call('GET', '/v1/properties', headers)).statusCode).toBe(200);
});

it('stops a revoked, an expired, a tampered or an unknown key with 401, and lets only its owner revoke it', async () => {
  const host = await register('host');
  const other = await register('host');
  const revoked = String(
    (await createKey(host.token, { name: 'a', scopes: ['properties:read'] })).body['key'],
  );
  const expired = await createKey(host.token, { name: 'b', scopes: ['properties:read'] });
  const revokedId = (
    await db.query(`SELECT id FROM identity.api_keys WHERE key_id = $1`, [revoked.slice(4, 16)])
  )[0].id;

  expect(
    (await call('DELETE', `/v1/api-keys/${revokedId}`, { authorization: `Bearer ${other.token}` }))
      .statusCode,
  ).toBe(404);
  expect((await call('GET', '/v1/properties', { 'x-api-key': revoked })).statusCode).toBe(200);
  expect(
    (await call('DELETE', `/v1/api-keys/${revokedId}`, { authorization: `Bearer ${host.token}` })).statusCode,
  ).toBe(204);
  expect(
    (await call('DELETE', `/v1/api-keys/${revokedId}`, { authorization: `Bearer ${host.token}` })).statusCode,
  ).toBe(404);
  await db.query(`UPDATE identity.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [
    expired.body['id'],
  ]);

  const tampered = `${revoked.slice(0, -2)}${revoked.endsWith('AA') ? 'BB' : 'AA'}`;
  for (const key of [
    revoked,
    String(expired.body['key']),
    tampered,
    `rgk_${'x'.repeat(12)}_${'y'.repeat(43)}`,
    'rgk_nonsense',
  ]) {
    const reply = await call('GET', '/v1/properties', { 'x-api-key': key });
    expect(reply.statusCode).toBe(401);
    expect(reply.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  }
  const listed = await call('GET', '/v1/api-keys', { authorization: `Bearer ${host.token}` });
  expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
  expect(
    (await call('GET', '/v1/properties', { 'x-api-key': revoked, authorization: `Bearer ${host.token}` }))
      .statusCode,
  ).toBe(400);
});

it('records when a key was last used without a write per request', async () => {
  const host = await register('host');
  const { body } = await createKey(host.token, { name: 'busy', scopes: ['properties:read'] });
  const key = String(body['key']);
  for (let i = 0; i < 20; i += 1) {
    expect((await call('GET', '/v1/properties', { 'x-api-key': key })).statusCode).toBe(200);
  }
  const [row] = await db.query(`SELECT last_used_at FROM identity.api_keys WHERE id = $1`, [body['id']]);
  const first = (row as { last_used_at: Date }).last_used_at;
  expect(first).toBeInstanceOf(Date);
  expect(Date.now() - first.getTime()).toBeLessThan(30_000);
  // Twenty uses, one write: the stamp is the first use's.
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect((await call('GET', '/v1/properties', { 'x-api-key': key })).statusCode).toBe(200);
  const [again] = await db.query(`SELECT last_used_at FROM identity.api_keys WHERE id = $1`, [body['id']]);
  expect((again as { last_used_at: Date }).last_used_at.getTime()).toBe(first.getTime());
  const listed = await call('GET', '/v1/api-keys', { authorization: `Bearer ${host.token}` });
  expect(listed.json<{ items: Json[] }>().items[0]?.['lastUsedAt']).toBe(first.toISOString());
});

it("reminds a key's owner once, within 7 days of its expiry, through identity's outbox", async () => {
  const host = await register('host');
  const soon = (await createKey(host.token, { name: 'Soon', scopes: ['properties:read'], expiresInDays: 3 }))
    .body;
  const later = (
    await createKey(host.token, { name: 'Later', scopes: ['properties:read'], expiresInDays: 30 })
  ).body;
  const revoked = (
    await createKey(host.token, { name: 'Gone', scopes: ['properties:read'], expiresInDays: 2 })
  ).body;
  await call('DELETE', `/v1/api-keys/${String(revoked['id'])}`, { authorization: `Bearer ${host.token}` });
  const reminder = app.get(ApiKeyExpiryReminder);

  await reminder.remind();
  await reminder.remind();

  const events: { payload: { data: Json } }[] = await db.query(
    `SELECT payload FROM identity.outbox WHERE type = 'api-key.expiring' AND key = $1`,
    [host.id],
  );
  expect(events.map((e) => e.payload.data)).toEqual([
    {
      userId: host.id,
      apiKeyId: soon['id'],
      name: 'Soon',
      prefix: soon['prefix'],
      expiresAt: soon['expiresAt'],
    },
  ]);
  expect(JSON.stringify(events)).not.toContain(String(soon['key']));
  expect(JSON.stringify(events)).not.toContain(String(later['id']));
});
