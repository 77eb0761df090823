import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { identitySchema } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { testEnvironment, testJwtEnv } from '@rentguy/testing/platform';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The audit log against the gateway as it boots, with PostgreSQL: sensitive actions recorded with
// actor, target, address and request id, read back by admins only, and never rewritten.

let app: NestFastifyApplication;
let db: DataSource;

type Json = Record<string, unknown>;
type Entry = {
  id: string;
  action: string;
  actor: { id: string; role: string } | null;
  target: Json;
  details: Json;
} & Json;

beforeAll(async () => {
  const config = loadConfig(appConfig, {
    env: {
      DATABASE_URL: testEnvironment().databaseUrl,
      ...testJwtEnv(),
      LOG_LEVEL: 'silent',
    },
  });
  await migrateSchema(identitySchema, { url: config.DATABASE_URL, applicationName: 'gateway-audit-migrate' });
  // Test files share identity's outbox table: this one writes events but relays none.
  app = await createApp(config, { messaging: { relay: false } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  db = app.get(DataSource);
});

afterAll(async () => {
  await app?.close();
});

async function register(role: 'host' | 'guest'): Promise<{ id: string; token: string; email: string }> {
  const email = `audit.${randomUUID().slice(0, 8)}@example.com`;
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email, password: 'correct horse battery', name: 'Audrey', role },
  });
  const body = reply.json<{ user: { id: string }; accessToken: string }>();
  return { id: body.user.id, token: body.accessToken, email };
}

async function admin(): Promise<string> {
  const user = await register('guest');
  await db.query(`UPDATE identity.users SET role = 'admin' WHERE id = $1`, [user.id]);
  const login = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: user.email, password: 'correct horse battery' },
  });
  return login.json<{ accessToken: string }>().accessToken;
}

function audit(query: string, token?: string) {
  return app.inject({
    method: 'GET',
    url: `/v1/admin/audit${query}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

it('records who created and revoked an API key, from where and in which request, for admins to read', async () => {
  const host = await register('host');
  const created = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { authorization: `Bearer ${host.token}`, 'x-forwarded-for': '203.0.113.7' },
    payload: { name: 'PMS', scopes: ['properties:read'] },
  });
  expect(created.statusCode).toBe(201);
  const keyId = created.json<{ id: string }>().id;
  const revoked = await app.inject({
    method: 'DELETE',
    url: `/v1/api-keys/${keyId}`,
    headers: { authorization: `Bearer ${host.token}` },
  });
  expect(revoked.statusCode).toBe(204);

  const reply = await audit(`?actor=${host.id}`, await admin());
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['cache-control']).toBe('private, no-store');
  const { items } = reply.json<{ items: Entry[] }>();
  expect(items.map((e) => e.action)).toEqual(['api_key.revoked', 'api_key.created']);
  expect(items[1]).toMatchObject({
    actor: { id: host.id, role: 'host' },
    target: { type: 'api_key', id: keyId },
    requestId: created.headers['x-request-id'],
    source: 'gateway',
    details: { name: 'PMS', scopes: ['properties:read'] },
  });
  // No trusted proxy is configured: the address is the connection's, not what the client claims.
  expect(items[1]?.['ip']).not.toBe('203.0.113.7');
  expect(items[0]).toMatchObject({ requestId: revoked.headers['x-request-id'] });
  expect(JSON.stringify(items)).not.toContain('rgk_');
});

it('filters by action and time, pages newest first with a cursor, and refuses bad filters naming them', async () => {
  const host = await register('host');
  const token = await admin();
  const before = new Date().toISOString();
  for (const name of ['one', 'two', 'three']) {
    await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${host.token}` },
      payload: { name, scopes: ['properties:read'] },
    });
  }
  const seen: string[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const reply = await audit(
      `?actor=${host.id}&action=api_key.created&from=${encodeURIComponent(before)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      token,
    );
    expect(reply.statusCode).toBe(200);
    const page = reply.json<{ items: Entry[]; nextCursor: string | null }>();
    seen.push(...page.items.map((e) => String(e.details['name'])));
    cursor = page.nextCursor;
  }
  expect(seen).toEqual(['three', 'two', 'one']);
  const later = await audit(`?actor=${host.id}&to=${encodeURIComponent(before)}`, token);
  expect(later.json<{ items: unknown[] }>().items).toEqual([]);

  for (const [query, field] of [
    ['?action=user.deleted_everything', 'action'],
    ['?actor=someone', 'actor'],
    ['?from=yesterday', 'from'],
    ['?limit=500', 'limit'],
    ['?cursor=bogus', 'cursor'],
    ['?role=admin', 'role'],
  ]) {
    const reply = await audit(String(query), token);
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toContain(String(field));
  }
});

it('shows the log to admins only', async () => {
  const host = await register('host');
  expect((await audit('', host.token)).statusCode).toBe(403);
  expect((await audit('')).statusCode).toBe(401);
});

it('is append-only: the database refuses to change or delete an entry', async () => {
  const host = await register('host');
  await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { authorization: `Bearer ${host.token}` },
    payload: { name: 'kept', scopes: ['properties:read'] },
  });
  const [entry] = await db.query(`SELECT id FROM identity.audit_log WHERE actor_id = $1`, [host.id]);
  await expect(
    db.query(`UPDATE identity.audit_log SET action = 'nothing' WHERE id = $1`, [entry.id]),
  ).rejects.toThrow(/append-only/);
  await expect(db.query(`DELETE FROM identity.audit_log WHERE id = $1`, [entry.id])).rejects.toThrow(
    /append-only/,
  );
  await expect(db.query(`TRUNCATE identity.audit_log`)).rejects.toThrow(/append-only/);
  expect(await db.query(`SELECT action FROM identity.audit_log WHERE id = $1`, [entry.id])).toEqual([
    { action: 'api_key.created' },
  ]);
});
