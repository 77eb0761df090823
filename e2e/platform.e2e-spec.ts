import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import sharp from 'sharp';
import Stripe from 'stripe';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { startFakeMollie, type FakeMollie } from '@rentguy/testing/mollie-fake';
import { startFakeStripe, type FakeStripe } from '@rentguy/testing/stripe-fake';
import {
  APP_NAMES,
  E2E_DATABASE,
  migrateAll,
  shiftedPorts,
  startMailCatcher,
  startOtlpCollector,
  startPlatform,
  testEnvironment,
  testJwtEnv,
  type CaughtMail,
  type CollectedSpan,
  type MailCatcher,
  type OtlpCollector,
  type RunningPlatform,
} from '@rentguy/testing/platform';
import {
  authLogin,
  authLogout,
  authRefresh,
  authRegister,
  bookingCreate,
  bookingGet,
  bookingList,
  adminDeliveriesList,
  myNotificationsGetPreferences,
  myNotificationsList,
  myNotificationsUpdatePreferences,
  paymentCreate,
  propertyCreate,
  propertyGet,
  propertyQuote,
  propertySearch,
} from '@rentguy/sdk';
import { visitApiReference } from './api-reference.page';
import { describeAuthorizationMatrix } from './authorization-matrix';
import { ApiClient, eventually } from './client';
import { metricNamesOf, monitoringQueries, recordedNames, unexportedMetrics } from './monitoring-queries';

/**
 * The whole platform as processes, driven through the gateway like a web client: register, list a
 * property, book it, pay with Stripe (the project's fake of Stripe's HTTP API, webhooks signed by
 * the SDK's helper), watch the confirmation email arrive once, upload an image and screen a tenant.
 */
const root = join(__dirname, '..');
const ports = shiftedPorts(10_000);
const webhookSecret = 'whsec_e2e_secret_for_tests_only';
const apiKey = 'sk_test_e2e';

let platform: RunningPlatform;
let stripe: FakeStripe;
let mollie: FakeMollie;
let mail: MailCatcher;
let collector: OtlpCollector;
let api: ApiClient;
const exitCodes: Record<string, number | null> = {};

type Json = Record<string, unknown>;

beforeAll(async () => {
  mail = await startMailCatcher({ smtpPort: 0, httpPort: 0 });
  collector = await startOtlpCollector();
  stripe = await startFakeStripe({
    port: 0,
    webhookUrl: `http://127.0.0.1:${ports.gateway.port}/v1/webhooks/stripe`,
    webhookSecret,
  });
  // Mollie's fake on loopback, with the self-signed certificate it made at start; it pings the
  // webhook URL payments gives it, the gateway's.
  mollie = await startFakeMollie();
  const infra = testEnvironment();
  const env = {
    LOG_LEVEL: 'warn',
    DATABASE_URL: infra.databaseUrlFor(E2E_DATABASE),
    // Not the default database: a developer's running platform keeps its queues there.
    REDIS_URL: infra.redisUrlFor(5),
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    // Own consumer groups, so a developer's running platform on the same broker takes none of our events.
    KAFKA_GROUP_PREFIX: 'e2e-',
    ...testJwtEnv(),
    STRIPE_SECRET_KEY: apiKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_BASE_URL: stripe.url,
    MOLLIE_API_KEY: 'test_e2eMollieKeyForTestsOnly0123',
    MOLLIE_API_BASE_URL: mollie.apiUrl,
    PUBLIC_WEB_URL: 'https://web.rentguy.test/payments/return',
    SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
    BLOB_STORAGE_DIR: join(root, '.cache', 'e2e-blobs', String(Date.now())),
    SHUTDOWN_DRAIN_DELAY_MS: '200',
    // Prices carry a service fee and Dutch tax, so every amount below includes both.
    SERVICE_FEE_PERCENT: '10',
    TAX_RATES: 'NL:9',
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    // Export spans every 200 ms instead of every 5 s, so the trace is complete soon after the email.
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // A full span queue (2,048 by default) drops spans, and one dropped span breaks the trace the
    // suite follows; the suite's bursts may fill it (the trace test failed twice with the default).
    OTEL_BSP_MAX_QUEUE_SIZE: '100000',
    // Rentals asks payments about holds older than 3 s every second (the defaults are 60 s each).
    HOLD_CROSS_CHECK_MS: '1000',
    // The gateway looks for API keys about to expire every second (daily by default).
    API_KEY_EXPIRY_CHECK_MS: '1000',
    HOLD_CROSS_CHECK_MIN_AGE_MS: '3000',
    RATE_LIMIT_REDIS_URL: infra.redisUrlFor(5),
    CACHE_REDIS_URL: infra.redisUrlFor(5),
    // Cached search pages of an earlier run must not answer this one's (its database is new).
    CACHE_NAMESPACE: `e2e-${Date.now()}`,
    // The whole suite calls from one address, and its polls repeat one user's reads: only the limits
    // per address and per user are raised; the per-email login limit stays at its default (5/1m).
    RATE_LIMIT_LOGIN_PER_IP: '1000/1m',
    RATE_LIMIT_SEARCH_PER_IP: '10000/1m',
    RATE_LIMIT_API_PER_USER: '100000/1m',
    CORS_ORIGINS: 'https://web.rentguy.test',
  };
  await migrateAll(root, env);
  platform = await startPlatform({ root, env, ports });
  api = new ApiClient(`http://127.0.0.1:${ports.gateway.port}`);
}, 180_000);

afterAll(async () => {
  if (platform) {
    Object.assign(exitCodes, await platform.stop());
  }
  await stripe?.close();
  await mollie?.close();
  await mail?.close();
  await collector?.close();
});

const unique = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const hostEmail = `host-${unique}@example.com`;
const guestEmail = `guest-${unique}@example.com`;
const otherEmail = `other-${unique}@example.com`;
const password = 'correct horse battery staple';
const tokens: Record<'host' | 'guest' | 'other', string> = { host: '', guest: '', other: '' };
let propertyId = '';
let bookingId = '';
let imageId = '';
/** 3 nights × 120.00 = 360.00, + 10 % service fee 36.00, + 9 % tax on 396.00 = 35.64: 431.64. */
const stayTotal = 43_164;

interface Page {
  items: Json[];
  nextCursor: string | null;
}

/** How many payment requests payments answered by reading their booking from rentals. */
async function paymentsReadThroughs(): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${ports.payments.opsPort}/metrics`)).text();
  return Number(/^payment_booking_read_throughs_total\{outcome="stored"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** A booking confirmation to `address`, not the welcome email every new user also gets. */
const isConfirmationTo = (address: string) => (m: CaughtMail) =>
  m.to.includes(address) && /is confirmed$/.test(m.subject);

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describe('RentGuy through the gateway', () => {
  it('1. registers a host and a guest, logs in, rejects duplicates and bad passwords', async () => {
    const host = await api.send(
      authRegister({
        client: api.client,
        body: { email: hostEmail, password, name: 'Hanna Host', role: 'host' },
      }),
    );
    expect(host.status).toBe(201);
    expect(host.body.user).toMatchObject({ email: hostEmail, role: 'host' });
    tokens.host = String(host.body.accessToken);

    const guest = await api.send(
      authRegister({
        client: api.client,
        body: { email: guestEmail, password, name: 'Gus Guest', role: 'guest' },
      }),
    );
    expect(guest.status).toBe(201);
    const other = await api.send(
      authRegister({
        client: api.client,
        body: { email: otherEmail, password, name: 'Olga Other', role: 'guest' },
      }),
    );
    expect(other.status).toBe(201);
    tokens.other = String(other.body.accessToken);

    const duplicate = await api.send(
      authRegister({
        client: api.client,
        body: { email: guestEmail, password, name: 'Again', role: 'guest' },
      }),
    );
    expect(duplicate.status).toBe(409);

    const wrong = await api.send(
      authLogin({ client: api.client, body: { email: guestEmail, password: 'not the password at all' } }),
    );
    expect(wrong.status).toBe(401);
    const login = await api.send(authLogin({ client: api.client, body: { email: guestEmail, password } }));
    expect(login.status).toBe(200);
    tokens.guest = String(login.body.accessToken);
    expect(tokens.guest.split('.')).toHaveLength(3);
  });

  it('welcomes a new host, whose first tip carries a one-click unsubscribe link that works through the gateway', async () => {
    // identity's user.registered, through its outbox and Kafka, to notifications.
    const [welcome] = await mail.waitFor(
      (m) => m.to.includes(hostEmail) && m.subject.startsWith('Welcome'),
      30_000,
    );
    expect(welcome.subject).toBe('Welcome to RentGuy, Hanna Host');
    expect(welcome.headers['list-unsubscribe']).toBeUndefined();
    const [tip] = await mail.waitFor(
      (m) => m.to.includes(hostEmail) && m.subject.startsWith('Host tip'),
      30_000,
    );
    const link = /^<(.+)>$/.exec(tip.headers['list-unsubscribe'] ?? '')?.[1] ?? '';
    expect(link.startsWith(`${api.baseUrl}/v1/notifications/unsubscribe?token=`)).toBe(true);
    expect(tip.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(tip.text).toContain(link);
    const hostTips = async (): Promise<unknown> => {
      const prefs = await api.send(myNotificationsGetPreferences({ client: api.client, auth: tokens.host }));
      expect(prefs.status).toBe(200);
      return prefs.body.categories.find((c) => c.category === 'host_tips')?.enabled;
    };

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect(await hostTips()).toBe(true);
    // A mail client's RFC 8058 one-click POST, no login.
    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(await hostTips()).toBe(false);

    const again = await api.send(
      myNotificationsUpdatePreferences({ client: api.client, auth: tokens.host, body: { host_tips: true } }),
    );
    expect(again.status).toBe(200);
    expect(await hostTips()).toBe(true);
    const refused = await api.request<Json>('PUT', '/v1/me/notification-preferences', {
      token: tokens.host,
      json: { transactional: false },
    });
    expect(refused.status).toBe(400);
    expect(mail.messages().filter((m) => m.to.includes(hostEmail))).toHaveLength(2);
  });

  it('keeps a session through the gateway: refresh rotates, a spent token ends the session, logout revokes', async () => {
    const login = await api.send(authLogin({ client: api.client, body: { email: otherEmail, password } }));
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const first = String(login.body.refreshToken);

    const rotated = await api.send(authRefresh({ client: api.client, body: { refreshToken: first } }));
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    const second = String(rotated.body.refreshToken);
    expect(second).not.toBe(first);
    // The new access token is accepted by a service behind the gateway.
    const bookings = await api.send(
      bookingList({ client: api.client, auth: String(rotated.body.accessToken) }),
    );
    expect(bookings.status).toBe(200);

    const reuse = await api.send(authRefresh({ client: api.client, body: { refreshToken: first } }));
    expect(reuse.status).toBe(401);
    expect((await api.send(authRefresh({ client: api.client, body: { refreshToken: second } }))).status).toBe(
      401,
    );

    const again = await api.send(authLogin({ client: api.client, body: { email: otherEmail, password } }));
    const spent = { refreshToken: again.body.refreshToken };
    const out = await api.send(authLogout({ client: api.client, body: spent }));
    expect(out.status).toBe(204);
    expect((await api.send(authRefresh({ client: api.client, body: spent }))).status).toBe(401);
    const bad = await api.post<Json>('/v1/auth/refresh', { refreshToken: 7 });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('refreshToken');
  });

  it('resets a forgotten password by email: single-use token, new password works, sessions end', async () => {
    const address = `forgetful-${unique}@example.com`;
    expect(
      (await api.post('/v1/auth/register', { email: address, password, name: 'Fern', role: 'guest' })).status,
    ).toBe(201);
    const session = await api.post<Json>('/v1/auth/login', { email: address, password });
    expect(session.status).toBe(200);

    const requested = await api.post('/v1/auth/password-reset', { email: address.toUpperCase() });
    const unknown = await api.post('/v1/auth/password-reset', { email: `nobody-${unique}@example.com` });
    expect([requested.status, unknown.status]).toEqual([202, 202]);

    const [email] = await mail.waitFor(
      (m) => m.to.includes(address) && m.subject === 'Reset your RentGuy password',
      30_000,
    );
    const token = /reset-password\?token=([A-Za-z0-9_-]+)/.exec(email.text)?.[1] ?? '';
    expect(token).toHaveLength(43);
    const newPassword = 'a fresh passphrase for fern';

    const confirmed = await api.post('/v1/auth/password-reset/confirm', { token, newPassword });
    expect(confirmed.status).toBe(204);

    expect((await api.post('/v1/auth/login', { email: address, password })).status).toBe(401);
    const fresh = await api.post<Json>('/v1/auth/login', { email: address, password: newPassword });
    expect(fresh.status).toBe(200);
    expect((await api.post('/v1/auth/refresh', { refreshToken: session.body.refreshToken })).status).toBe(
      401,
    );
    const reused = await api.post('/v1/auth/password-reset/confirm', {
      token,
      newPassword: 'another one entirely',
    });
    expect(reused.status).toBe(401);
    // The account route needs the current password.
    const token2 = String(fresh.body.accessToken);
    const wrong = await api.post(
      '/v1/me/password',
      { currentPassword: password, newPassword: 'whatever else 1' },
      token2,
    );
    expect(wrong.status).toBe(401);
    const changed = await api.post(
      '/v1/me/password',
      { currentPassword: newPassword, newPassword: password },
      token2,
    );
    expect(changed.status).toBe(204);
    expect(
      mail.messages().filter((m) => m.to.includes(address) && m.subject.startsWith('Reset')),
    ).toHaveLength(1);
  });

  it('limits password-reset requests per address: the 4th in an hour is 429 with Retry-After', async () => {
    const address = `reset-limit-${unique}@example.com`;
    for (let i = 0; i < 3; i += 1) {
      expect((await api.post('/v1/auth/password-reset', { email: address })).status).toBe(202);
    }

    const limited = await api.post<Json>('/v1/auth/password-reset', { email: address });

    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    // Another address is not affected.
    expect((await api.post('/v1/auth/password-reset', { email: `x-${address}` })).status).toBe(202);
  });

  it("shows and edits the caller's own account at /v1/me, refusing fields that are not theirs", async () => {
    const me = await api.get<Json>('/v1/me', tokens.other);
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('private, no-store');
    expect(me.body).toMatchObject({ email: otherEmail, name: 'Olga Other', role: 'guest', locale: 'en' });

    const patched = await api.request<Json>('PATCH', '/v1/me', {
      token: tokens.other,
      json: { locale: 'nl' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ locale: 'nl', role: 'guest' });
    const restored = await api.request<Json>('PATCH', '/v1/me', {
      token: tokens.other,
      json: { locale: 'en' },
    });
    expect(restored.body).toMatchObject({ locale: 'en' });
    for (const field of ['role', 'email', 'id']) {
      const refused = await api.request<Json>('PATCH', '/v1/me', {
        token: tokens.other,
        json: { name: 'Olga', [field]: field === 'role' ? 'admin' : 'x' },
      });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain(field);
    }
    expect((await api.get('/v1/me')).status).toBe(401);
    expect(
      (
        await api.post('/v1/auth/register', {
          email: `root-${unique}@example.com`,
          password,
          name: 'R',
          role: 'admin',
        })
      ).status,
    ).toBe(400);
  });

  it('publishes the public keys at /.well-known/jwks.json, enough to verify the tokens the services accept', async () => {
    const response = await fetch(`${api.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    const jwks = (await response.json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => [k.kty, k.crv, k.alg])).toEqual([['OKP', 'Ed25519', 'EdDSA']]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    const { payload, protectedHeader } = await jwtVerify(tokens.host, createLocalJWKSet(jwks), {
      issuer: 'rentguy',
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: jwks.keys[0]?.kid });
    expect(payload).toMatchObject({ role: 'host', email: hostEmail });

    // Only the gateway's process holds the private key; every app holds the public ones.
    const holders = await Promise.all(
      platform.apps.map(async (app) => {
        const environ = await readFile(`/proc/${app.process.pid}/environ`, 'utf8');
        const names = environ.split('\0').map((entry) => entry.slice(0, entry.indexOf('=')));
        return {
          app: app.name,
          signs: names.includes('JWT_SIGNING_KEY'),
          verifies: names.includes('JWT_PUBLIC_KEYS'),
        };
      }),
    );
    expect(holders.filter((h) => h.signs).map((h) => h.app)).toEqual(['gateway']);
    expect(holders.filter((h) => h.verifies)).toHaveLength(holders.length);
  });

  it('makes an admin by command, who alone lists users and changes roles', async () => {
    const address = `boss-${unique}@example.com`;
    expect(
      (await api.post('/v1/auth/register', { email: address, password, name: 'Bo', role: 'guest' })).status,
    ).toBe(201);
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      [join(root, 'dist/apps/gateway/src/admin-create.js'), address],
      {
        env: {
          ...process.env,
          DATABASE_URL: testEnvironment().databaseUrlFor(E2E_DATABASE),
          LOG_LEVEL: 'warn',
        },
      },
    );
    expect(stdout).toContain(`admin ${address}`);
    expect(stdout).toContain('promoted');
    const login = await api.post<Json>('/v1/auth/login', { email: address, password });
    const adminToken = String(login.body.accessToken);

    const page = await api.get<{ items: { id: string; email: string; role: string }[] }>(
      `/v1/admin/users?email=${encodeURIComponent(hostEmail)}`,
      adminToken,
    );
    expect(page.status).toBe(200);
    expect(page.body.items.map((u) => [u.email, u.role])).toEqual([[hostEmail, 'host']]);
    expect((await api.get('/v1/admin/users', tokens.host)).status).toBe(403);

    const otherId = String((await api.get<Json>('/v1/me', tokens.other)).body.id);
    const changed = await api.request<Json>('PATCH', `/v1/admin/users/${otherId}`, {
      token: adminToken,
      json: { role: 'host' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: otherId, role: 'host' });
    const back = await api.request<Json>('PATCH', `/v1/admin/users/${otherId}`, {
      token: adminToken,
      json: { role: 'guest', status: 'active' },
    });
    expect(back.status).toBe(400);
    const restored = await api.request<Json>('PATCH', `/v1/admin/users/${otherId}`, {
      token: adminToken,
      json: { role: 'guest' },
    });
    expect(restored.body).toMatchObject({ role: 'guest' });
  });

  it('limits logins per address and email: the 6th attempt in a minute is 429 with Retry-After', async () => {
    const target = `limited-${unique}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push((await api.post('/v1/auth/login', { email: target, password: 'guessing' })).status);
    }
    const sixth = await api.post<Json>('/v1/auth/login', { email: target, password: 'guessing' });
    // Another account from the same address is not locked out by these attempts.
    const someoneElse = await api.post('/v1/auth/login', { email: guestEmail, password });

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(sixth.status).toBe(429);
    expect(sixth.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(sixth.headers.get('ratelimit-limit')).toBe('5');
    expect(sixth.headers.get('ratelimit-remaining')).toBe('0');
    expect(someoneElse.status).toBe(200);
  });

  it('2. lets a host list a property that anyone can read, and forbids guests to list', async () => {
    const listing = {
      title: 'Canal house with a view',
      description: 'Bright rooms on the Prinsengracht',
      city: 'Amsterdam',
      country: 'NL',
      nightlyPrice: 12000,
      currency: 'EUR',
      maxGuests: 4,
      // Not the default (moderate): the host edits it to moderate later, and bookings keep theirs.
      cancellationPolicy: 'flexible' as const,
    };
    const created = await api.send(propertyCreate({ client: api.client, auth: tokens.host, body: listing }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(listing);
    propertyId = String(created.body.id);

    const read = await api.send(propertyGet({ client: api.client, path: { id: propertyId } }));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: propertyId, title: listing.title, nightlyPrice: 12000 });

    const byGuest = await api.send(propertyCreate({ client: api.client, auth: tokens.guest, body: listing }));
    expect(byGuest.status).toBe(403);
    const anonymous = await api.send(propertyCreate({ client: api.client, body: listing }));
    expect(anonymous.status).toBe(401);
  });

  it('answers at the edge with security headers, caching by route, ETag/304, compression and CORS', async () => {
    // A listing of its own, long enough (over 1 KB) to be worth compressing.
    const long = await api.post<Json>(
      '/v1/properties',
      {
        title: 'Edge test loft',
        description: 'Quiet loft by the Spaarne. '.repeat(80),
        city: `Edge ${unique}`,
        country: 'NL',
        nightlyPrice: 9000,
        currency: 'EUR',
        maxGuests: 2,
      },
      tokens.host,
    );
    expect(long.status).toBe(201);
    const path = `/v1/properties/${String(long.body.id)}`;

    const read = await api.request('GET', path, {
      headers: { 'x-request-id': `e2e-edge-${unique}`, 'accept-encoding': 'br' },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-request-id')).toBe(`e2e-edge-${unique}`);
    expect(read.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(read.headers.get('x-content-type-options')).toBe('nosniff');
    expect(read.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(read.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(read.headers.get('content-encoding')).toBe('br');
    const etag = String(read.headers.get('etag'));
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);

    const gzip = await api.request('GET', path, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gzip.body).toEqual(read.body);
    const notModified = await api.request('GET', path, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);

    // Personal data: never cached, and no shared validator.
    const mine = await api.get('/v1/bookings', tokens.guest);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    const asHost = await api.get(path, tokens.host);
    expect(asHost.headers.get('cache-control')).toBe('private, no-store');

    const allowed = await api.request('OPTIONS', '/v1/bookings', {
      headers: { origin: 'https://web.rentguy.test', 'access-control-request-method': 'POST' },
    });
    const denied = await api.request('OPTIONS', '/v1/bookings', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://web.rentguy.test');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const crossOriginRead = await api.request('GET', path, {
      headers: { origin: 'https://web.rentguy.test' },
    });
    expect(crossOriginRead.headers.get('access-control-allow-origin')).toBe('https://web.rentguy.test');
    expect(crossOriginRead.headers.get('access-control-expose-headers')).toContain('etag');

    // A body over the route's limit (BODY_LIMIT_BYTES, 1 MiB) is refused before any service sees it.
    const huge = await api.request('POST', '/v1/bookings', {
      token: tokens.guest,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ propertyId, padding: 'x'.repeat(1_048_576) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('shows the booking operations of the API reference at /docs in headless Chromium, with nothing loaded from elsewhere and nothing blocked', async () => {
    const operations = [
      'Hold a stay',
      "List the caller's own bookings",
      'Read a booking',
      'Pay for a held booking with Stripe',
    ];

    const visit = await visitApiReference(api.baseUrl, 'bookings', operations);

    expect(visit.shown).toEqual(operations);
    expect(visit.foreignRequests).toEqual([]);
    expect(visit.cspViolations).toEqual([]);
  }, 90_000);

  it('refuses a NUL character in any field with 400 naming the field, on every service', async () => {
    const nul = 'a\u0000b';
    const register = await api.post<Json>('/v1/auth/register', {
      email: `nul-${unique}@example.com`,
      password,
      name: nul,
      role: 'guest',
    });
    const login = await api.post<Json>('/v1/auth/login', { email: nul, password });
    const property = await api.post<Json>(
      '/v1/properties',
      {
        title: nul,
        description: nul,
        city: nul,
        country: 'NL',
        nightlyPrice: 100,
        currency: 'EUR',
        maxGuests: 1,
      },
      tokens.host,
    );
    const fieldsOf = (body: Json) =>
      ((body.error as Json).details as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect([register.status, login.status, property.status]).toEqual([400, 400, 400]);
    expect(fieldsOf(register.body)).toEqual(['name']);
    expect(fieldsOf(login.body)).toEqual(['email']);
    expect(fieldsOf(property.body)).toEqual(['title', 'description', 'city']);
    expect((property.body.error as Json).code).toBe('validation_failed');
  });

  it('3. holds a booking priced by the server, rejects an overlap, hides it from strangers', async () => {
    const checkIn = isoDay(30);
    const checkOut = isoDay(33);
    const held = await api.send(
      bookingCreate({
        client: api.client,
        auth: tokens.guest,
        body: { propertyId, checkIn, checkOut, guests: 2 },
      }),
    );
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({
      status: 'held',
      totalAmount: stayTotal,
      currency: 'EUR',
      priceBreakdown: { accommodation: 36_000, serviceFee: 3_600, tax: 3_564, total: stayTotal },
    });
    expect(Date.parse(String(held.body.expiresAt))).toBeGreaterThan(Date.now());
    bookingId = String(held.body.id);

    const overlap = await api.send(
      bookingCreate({
        client: api.client,
        auth: tokens.other,
        body: { propertyId, checkIn: isoDay(32), checkOut: isoDay(35), guests: 1 },
      }),
    );
    expect(overlap.status).toBe(409);

    const readAs = (token: string) =>
      api.send(bookingGet({ client: api.client, auth: token, path: { id: bookingId } }));
    expect((await readAs(tokens.guest)).status).toBe(200);
    expect((await readAs(tokens.host)).status).toBe(200);
    expect((await readAs(tokens.other)).status).toBe(404);
  });

  let paymentIntentId = '';

  it('4. creates a Stripe PaymentIntent with our payment id as idempotency key', async () => {
    const payment = await api.send(
      paymentCreate({
        client: api.client,
        auth: tokens.guest,
        path: { id: bookingId },
        body: { provider: 'stripe' },
      }),
    );
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ provider: 'stripe', status: 'pending' });
    expect('clientSecret' in payment.body ? payment.body.clientSecret : null).toMatch(/^pi_.+_secret_/);
    paymentIntentId = String(payment.body.providerPaymentId);
    const intents = stripe.paymentIntents();
    // Payments charges what rentals priced, fee and tax included.
    expect(intents.find((pi) => pi.id === paymentIntentId)).toMatchObject({
      amount: stayTotal,
      currency: 'eur',
    });
    const creation = stripe.requests.find((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    expect(creation?.idempotencyKey).toBe(payment.body.id);
  });

  it('lets the guest pay a booking whose booking.held has not reached payments', async () => {
    // Paying at once races booking.held through Kafka, and which side wins varies from run to run.
    // To take the read-through path every time, the booking is held, payments' copy of it (from
    // the event) is removed as if the event had never arrived, and only then is it paid.
    const held = await api.post<Json>(
      '/v1/bookings',
      { propertyId, checkIn: isoDay(60), checkOut: isoDay(61), guests: 1 },
      tokens.guest,
    );
    expect(held.status).toBe(201);
    const heldId = String(held.body.id);
    const db = new Client({ connectionString: testEnvironment().databaseUrlFor(E2E_DATABASE) });
    await db.connect();
    try {
      await eventually(
        async () =>
          (await db.query('SELECT 1 FROM payments.booking_projection WHERE booking_id = $1', [heldId]))
            .rowCount,
        (rows) => rows === 1,
        'booking.held to reach payments',
      );
      await db.query('DELETE FROM payments.booking_projection WHERE booking_id = $1', [heldId]);
    } finally {
      await db.end();
    }
    const readThroughsBefore = await paymentsReadThroughs();

    const stranger = await api.post<Json>(
      `/v1/bookings/${heldId}/payments`,
      { provider: 'stripe' },
      tokens.other,
    );
    expect(stranger.status).toBe(404);
    const payment = await api.post<Json>(
      `/v1/bookings/${heldId}/payments`,
      { provider: 'stripe' },
      tokens.guest,
    );
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({
      status: 'pending',
      amount: held.body.totalAmount,
      currency: held.body.currency,
    });
    // The stranger's request found no booking of theirs in rentals and stored nothing; the guest's did.
    expect(await paymentsReadThroughs()).toBe(readThroughsBefore + 1);
  });

  it('5. rejects a webhook with a bad signature and applies a duplicated event once', async () => {
    const forged = await api.request('POST', '/v1/webhooks/stripe', {
      body: JSON.stringify({
        id: 'evt_forged',
        type: 'payment_intent.succeeded',
        data: { object: { id: paymentIntentId } },
      }),
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
    });
    expect(forged.status).toBe(400);

    const eventId = await stripe.succeed(paymentIntentId);
    // The same event delivered again, twice at once: one effect.
    await Promise.all([stripe.redeliver(eventId), stripe.redeliver(eventId)]);
    const deliveries = stripe.deliveries.filter((d) => d.eventId === eventId);
    expect(deliveries.length).toBeGreaterThanOrEqual(3);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('answers 400 to signed webhooks dated in the future or carrying no usable event', async () => {
    const post = (payload: string, timestamp?: number) =>
      api.request('POST', '/v1/webhooks/stripe', {
        body: payload,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: webhookSecret,
            timestamp,
          }),
        },
      });
    const event = JSON.stringify({
      id: `evt_future_${unique}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: paymentIntentId } },
    });
    const future = await post(event, Math.floor(Date.now() / 1000) + 3600);
    const notAnEvent = await post('{"hello":"world"}');
    const empty = await post('[]');
    expect([future.status, notAnEvent.status, empty.status]).toEqual([400, 400, 400]);
    expect((future.body as Json).error).toMatchObject({ code: 'invalid_signature' });
    expect((notAnEvent.body as Json).error).toMatchObject({ code: 'validation_failed' });
  });

  it('6. confirms the booking once the payment succeeded', async () => {
    const booking = await eventually(
      () => api.send(bookingGet({ client: api.client, auth: tokens.guest, path: { id: bookingId } })),
      (r) => r.body.status === 'confirmed',
      'the booking to be confirmed',
    );
    expect(booking.body).toMatchObject({ id: bookingId, status: 'confirmed' });
  });

  it('7. emails the guest exactly once', async () => {
    const [email] = await mail.waitFor(isConfirmationTo(guestEmail), 30_000);
    expect(email.subject).toMatch(/confirm/i);
    expect(email.text).toContain('Canal house with a view');
    expect(email.text).toContain('431.64');
    // Give a duplicate every chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(mail.messages().filter(isConfirmationTo(guestEmail))).toHaveLength(1);
  });

  it('lists the emails sent to a user, to that user and to admins, through the gateway', async () => {
    const ownList = () =>
      api.send(myNotificationsList({ client: api.client, auth: tokens.guest, query: { limit: '100' } }));
    await eventually(
      ownList,
      (r) =>
        r.status === 200 &&
        r.body.items.some((i) => i.template === 'booking-confirmed' && i.status === 'sent'),
      "the confirmation in the guest's own list",
    );
    // One "pay before …" per booking the guest has held so far, one confirmation, one welcome.
    const held = await api.send(
      bookingList({ client: api.client, auth: tokens.guest, query: { limit: '100' } }),
    );
    const heldEmails = await eventually(
      ownList,
      (r) =>
        r.body.items.filter((i) => i.template === 'booking-held' && i.status === 'sent').length >=
        held.body.items.length,
      'a sent booking-held email per held booking',
    );
    expect(held.body.items.length).toBeGreaterThan(0);
    expect(heldEmails.body.items.map((i) => `${i.template} ${i.status} ${i.to}`).sort()).toEqual([
      `booking-confirmed sent ${guestEmail}`,
      ...held.body.items.map(() => `booking-held sent ${guestEmail}`),
      `welcome sent ${guestEmail}`,
    ]);
    const others = await api.send(myNotificationsList({ client: api.client, auth: tokens.other }));
    expect(others.body.items.filter((i) => i.to === guestEmail)).toEqual([]);
    expect((await api.send(adminDeliveriesList({ client: api.client, auth: tokens.guest }))).status).toBe(
      403,
    );

    // Registration never grants admin; support staff are promoted by an operator.
    const adminToken = await newAdminToken('deliveries-admin');
    const deliveries = await api.send(
      adminDeliveriesList({
        client: api.client,
        auth: adminToken,
        query: { recipient: guestEmail, template: 'booking-confirmed' },
      }),
    );
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items).toEqual([
      expect.objectContaining({ template: 'booking-confirmed', status: 'sent' }),
    ]);
    // Reading other users' emails is itself audited: notifications reports it to identity's log.
    const audit = await eventually(
      () => api.get<Page>('/v1/admin/audit?action=admin.user_viewed', adminToken),
      (r) => r.body.items?.some((entry) => entry.source === 'notifications') ?? false,
      "the admin's read of the ledger in the audit log",
    );
    expect(audit.body.items.find((entry) => entry.source === 'notifications')).toMatchObject({
      actor: { role: 'admin' },
      target: { type: 'delivery_list', id: guestEmail },
      details: { template: 'booking-confirmed' },
    });
  });

  it('follows one trace from the Stripe webhook through Kafka and the email queue to the SMTP send', async () => {
    const [email] = mail.messages().filter(isConfirmationTo(guestEmail));
    expect(email).toBeDefined();
    // Several emails have gone out by now, not all of them caused by a request. The confirmation's
    // trace starts at the gateway's server span for the Stripe webhook (named after its route).
    const isWebhookAtGateway = (s: CollectedSpan) =>
      s.service === 'gateway' && s.kind === 2 /* SERVER */ && s.name === 'POST /v1/webhooks/stripe';
    const services = ['gateway', 'payments', 'rentals', 'notifications'];
    const complete = await eventually(
      async () => {
        const spans = collector.spans();
        const emailTraces = new Set(
          spans.filter((s) => s.service === 'notifications' && s.name === 'smtp send').map((s) => s.traceId),
        );
        return [...emailTraces]
          .map((traceId) => spans.filter((s) => s.traceId === traceId))
          .filter((trace) => trace.some(isWebhookAtGateway))
          .filter((trace) => services.every((service) => trace.some((s) => s.service === service)));
      },
      (traces) => traces.length > 0,
      'an email trace from the Stripe webhook with spans of every service',
    );
    const trace = complete[0] ?? [];
    // Every span but the root hangs off a parent that is part of the same trace: one unbroken causal chain.
    const ids = new Set(trace.map((s) => s.spanId));
    const roots = trace.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots).toHaveLength(1);
    expect(isWebhookAtGateway(roots[0] as CollectedSpan)).toBe(true);
    // The gateway's forwarded request is payments' own server span, a child in the same trace.
    expect(
      trace.some((s) => s.service === 'payments' && s.kind === 2 && s.name === 'POST /v1/webhooks/stripe'),
    ).toBe(true);
  });

  it('8. turns an uploaded photo into metadata-free variants served by the gateway', async () => {
    const photo = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#3a7' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret camera owner', Artist: 'GPS should vanish' } })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    const upload = await api.request<Json>('POST', `/v1/properties/${propertyId}/images`, {
      body: form,
      token: tokens.host,
    });
    expect(upload.status).toBe(202);
    expect(upload.body).toMatchObject({ status: 'processing' });
    imageId = String(upload.body.id);
    const byGuest = new FormData();
    byGuest.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
    expect(
      (
        await api.request('POST', `/v1/properties/${propertyId}/images`, {
          body: byGuest,
          token: tokens.guest,
        })
      ).status,
    ).toBe(403);

    const property = await eventually(
      () =>
        api.get<{ images: { id: string; status: string; variants: { url: string; width: number }[] }[] }>(
          `/v1/properties/${propertyId}`,
        ),
      (r) => r.body.images?.some((i) => i.id === upload.body.id && i.status === 'ready'),
      'the image to be processed',
    );
    const image = property.body.images.find((i) => i.id === upload.body.id);
    expect(image?.variants.length).toBeGreaterThanOrEqual(2);
    for (const variant of image?.variants ?? []) {
      const response = await fetch(variant.url);
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta.width).toBeLessThanOrEqual(variant.width);
      expect(meta.exif).toBeUndefined();
    }
  });

  it('lets a guest search by city, dates and guests, quote, book, and then not find it for those dates', async () => {
    const city = `Haarlem ${unique}`;
    const created = await api.send(
      propertyCreate({
        client: api.client,
        auth: tokens.host,
        body: {
          title: 'Garden flat',
          description: 'Near the Grote Markt',
          city,
          country: 'NL',
          nightlyPrice: 9000,
          currency: 'EUR',
          maxGuests: 3,
          cleaningFee: 2000,
          minNights: 2,
        },
      }),
    );
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const stay = { checkIn: isoDay(40), checkOut: isoDay(43), guests: '2' };
    const stayQuery = new URLSearchParams(stay).toString();
    const searchPath = `/v1/properties?city=${encodeURIComponent(city.toUpperCase())}&${stayQuery}`;

    const found = await api.send(
      propertySearch({ client: api.client, query: { city: city.toUpperCase(), ...stay } }),
    );
    expect(found.status).toBe(200);
    // 3 × 90.00 + 20.00 = 290.00; + 10 % = 29.00; + 9 % of 319.00 = 28.71: 347.71.
    expect(found.body).toEqual({
      items: [expect.objectContaining({ id, quote: expect.objectContaining({ total: 34_771 }) })],
      nextCursor: null,
    });
    const quote = await api.send(propertyQuote({ client: api.client, path: { id }, query: stay }));
    expect(quote.status).toBe(200);
    expect(quote.body.priceBreakdown).toEqual(found.body.items[0]?.quote);
    const oneNight = await api.send(
      propertyQuote({ client: api.client, path: { id }, query: { ...stay, checkOut: isoDay(41) } }),
    );
    expect(oneNight.status).toBe(400);
    expect(oneNight.body.error).toMatchObject({ message: 'this property is let for at least 2 nights' });

    const booked = await api.send(
      bookingCreate({
        client: api.client,
        auth: tokens.guest,
        body: { propertyId: id, checkIn: isoDay(40), checkOut: isoDay(43), guests: 2 },
      }),
    );
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ totalAmount: 34_771, priceBreakdown: quote.body.priceBreakdown });

    expect((await api.get<Page>(searchPath)).body.items).toEqual([]);
    const laterStay = `checkIn=${isoDay(43)}&checkOut=${isoDay(45)}&guests=2`;
    const later = await api.get<Page>(`/v1/properties?city=${encodeURIComponent(city)}&${laterStay}`);
    expect(later.body.items.map((p) => p.id)).toEqual([id]);

    const bad = await api.get<Json>(`/v1/properties?city=${encodeURIComponent(city)}&guests=lots`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('guests');
    const unknownParam = await api.get<Json>('/v1/properties?pets=yes');
    expect(unknownParam.status).toBe(400);
    expect(JSON.stringify(unknownParam.body)).toContain('pets');
  });

  it('lets a host block dates: the calendar shows them blocked, search leaves the property out, iCal exports them', async () => {
    const city = `Leiden ${unique}`;
    const created = await api.post<Json>(
      '/v1/properties',
      {
        title: 'Canal loft',
        description: 'By the Rapenburg',
        city,
        country: 'NL',
        nightlyPrice: 8000,
        currency: 'EUR',
        maxGuests: 2,
      },
      tokens.host,
    );
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    const searchPath = (from: number, to: number) =>
      `/v1/properties?city=${encodeURIComponent(city)}&checkIn=${isoDay(from)}&checkOut=${isoDay(to)}`;
    const calendar = async (from: number, to: number) => {
      const reply = await api.get<{ days: { status: string }[] }>(
        `/v1/properties/${id}/availability?from=${isoDay(from)}&to=${isoDay(to)}`,
      );
      expect(reply.status).toBe(200);
      return reply.body.days.map((day) => day.status);
    };
    // Read (and so cache) the calendar and a search page before the block.
    expect(await calendar(50, 53)).toEqual(['available', 'available', 'available']);
    expect((await api.get<Page>(searchPath(50, 52))).body.items.map((p) => p.id)).toEqual([id]);

    const blocked = await api.post<Json>(
      '/v1/properties/' + id + '/blocks',
      { from: isoDay(50), to: isoDay(52), note: 'painting' },
      tokens.host,
    );
    expect(blocked.status).toBe(201);
    expect(
      (await api.post(`/v1/properties/${id}/blocks`, { from: isoDay(55), to: isoDay(56) }, tokens.guest))
        .status,
    ).toBe(403);
    expect(await calendar(50, 53)).toEqual(['blocked', 'blocked', 'available']);
    expect((await api.get<Page>(searchPath(50, 52))).body.items).toEqual([]);

    // A guest books the next nights: booked on the calendar, gone from search for them, and a
    // block over the booking is refused with its dates.
    const booked = await api.post<Json>(
      '/v1/bookings',
      { propertyId: id, checkIn: isoDay(52), checkOut: isoDay(54), guests: 1 },
      tokens.guest,
    );
    expect(booked.status).toBe(201);
    expect(await calendar(50, 55)).toEqual(['blocked', 'blocked', 'booked', 'booked', 'available']);
    expect((await api.get<Page>(searchPath(52, 54))).body.items).toEqual([]);
    expect((await api.get<Page>(searchPath(54, 56))).body.items.map((p) => p.id)).toEqual([id]);
    const overBooking = await api.post<Json>(
      `/v1/properties/${id}/blocks`,
      { from: isoDay(53), to: isoDay(55) },
      tokens.host,
    );
    expect(overBooking.status).toBe(409);
    expect(overBooking.body.error).toMatchObject({
      code: 'booking_overlap',
      details: { from: isoDay(52), to: isoDay(54) },
    });

    // The iCal export: a secret URL, private to caches, busy days without guest data.
    const token = await api.post<{ token: string }>(`/v1/properties/${id}/calendar-token`, {}, tokens.host);
    expect(token.status).toBe(201);
    const ics = await api.request(
      'GET',
      `/v1/properties/${id}/calendar.ics?token=${encodeURIComponent(token.body.token)}`,
      { headers: { accept: 'text/calendar' } },
    );
    expect(ics.status).toBe(200);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    expect(ics.headers.get('cache-control')).toBe('private, no-store');
    const text = typeof ics.body === 'string' ? ics.body : JSON.stringify(ics.body);
    expect(text).toContain(`DTSTART;VALUE=DATE:${isoDay(50).replace(/-/g, '')}`);
    expect(text).toContain(`DTSTART;VALUE=DATE:${isoDay(52).replace(/-/g, '')}`);
    expect(text).not.toContain('@example.com');
    expect((await api.get(`/v1/properties/${id}/calendar.ics?token=nope`)).status).toBe(404);

    // Unblocking puts the property back on the search page that left it out.
    expect(
      (
        await api.request('DELETE', `/v1/properties/${id}/blocks/${String(blocked.body.id)}`, {
          token: tokens.host,
        })
      ).status,
    ).toBe(204);
    expect((await api.get<Page>(searchPath(50, 52))).body.items.map((p) => p.id)).toEqual([id]);

    // Host analytics say how fresh they are; a guest has none.
    const month = isoDay(0).slice(0, 7);
    const analytics = await api.get<{ refreshedAt: string | null; items: Json[] }>(
      `/v1/host/analytics?from=${month}&to=${month}`,
      tokens.host,
    );
    expect(analytics.status).toBe(200);
    expect(analytics.body.refreshedAt).toEqual(expect.any(String));
    expect(analytics.body.items).toContainEqual(
      expect.objectContaining({ propertyId: id, month, availableNights: expect.any(Number) }),
    );
    expect((await api.get(`/v1/host/analytics?from=${month}&to=${month}`, tokens.guest)).status).toBe(403);
    expect((await api.get(`/v1/admin/analytics?from=${month}&to=${month}`, tokens.host)).status).toBe(403);
  });

  it("emails a key's owner once when the key expires within 7 days", async () => {
    const created = await api.post<Json>(
      '/v1/api-keys',
      { name: 'Short-lived sync', scopes: ['properties:read'], expiresInDays: 2 },
      tokens.host,
    );
    expect(created.status).toBe(201);
    const isReminder = (m: CaughtMail) =>
      m.to.includes(hostEmail) && m.subject === 'Your API key Short-lived sync expires soon';
    const [reminder] = await mail.waitFor(isReminder, 30_000);
    expect(reminder?.text).toContain(String(created.body.prefix));
    expect(reminder?.text).not.toContain(String(created.body.key));
    // The check runs every second here: a second email would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(mail.messages().filter(isReminder)).toHaveLength(1);
    const revoked = await api.request('DELETE', `/v1/api-keys/${String(created.body.id)}`, {
      token: tokens.host,
    });
    expect(revoked.status).toBe(204);
  });

  it("lets a host's channel manager work through a scoped API key, and stops it once revoked", async () => {
    const created = await api.post<Json>(
      '/v1/api-keys',
      { name: 'Channel manager', scopes: ['properties:read', 'bookings:read', 'calendar:write'] },
      tokens.host,
    );
    expect(created.status).toBe(201);
    const key = String(created.body.key);
    expect(key).toMatch(/^rgk_/);
    const asPartner = (method: string, path: string, json?: unknown) =>
      api.request<Json>(method, path, { headers: { 'x-api-key': key }, json });

    const own = await asPartner('GET', '/v1/host/properties');
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).toContain(propertyId);
    const bookings = await api.request<Json>('GET', '/v1/host/bookings', { token: key });
    expect(bookings.status).toBe(200);
    expect(JSON.stringify(bookings.body)).toContain(bookingId);
    const blocked = await asPartner('POST', `/v1/properties/${propertyId}/blocks`, {
      from: isoDay(200),
      to: isoDay(202),
      note: 'sold on another channel',
    });
    expect(blocked.status).toBe(201);
    expect(
      (await asPartner('DELETE', `/v1/properties/${propertyId}/blocks/${String(blocked.body.id)}`)).status,
    ).toBe(204);

    // Only what its scopes allow, and only its owner's objects.
    const edit = await asPartner('PATCH', `/v1/properties/${propertyId}`, { title: 'Hijacked' });
    expect(edit.status).toBe(403);
    expect(edit.body).toMatchObject({ error: { details: { requiredScope: 'properties:write' } } });
    expect(
      (await asPartner('POST', '/v1/api-keys', { name: 'more', scopes: ['properties:read'] })).status,
    ).toBe(403);
    const stranger = await api.post<Json>('/v1/auth/register', {
      email: `partner-host-${unique}@example.com`,
      password,
      name: 'Pat Partnerhost',
      role: 'host',
    });
    const strangerKey = await api.post<Json>(
      '/v1/api-keys',
      { name: 'theirs', scopes: ['calendar:write'] },
      String(stranger.body.accessToken),
    );
    const foreign = await api.request<Json>('POST', `/v1/properties/${propertyId}/blocks`, {
      headers: { 'x-api-key': String(strangerKey.body.key) },
      json: { from: isoDay(210), to: isoDay(211) },
    });
    expect([403, 404]).toContain(foreign.status);

    const listed = await api.get<{ items: Json[] }>('/v1/api-keys', tokens.host);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, lastUsedAt: expect.any(String) }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(
      (await api.request('DELETE', `/v1/api-keys/${String(created.body.id)}`, { token: tokens.host })).status,
    ).toBe(204);
    expect((await asPartner('GET', '/v1/host/properties')).status).toBe(401);
  });

  it('lets the host edit a listing, seen by search at once, and lists everyone their own', async () => {
    const otherHost = await api.post<Json>('/v1/auth/register', {
      email: `other-host-${unique}@example.com`,
      password,
      name: 'Otto Otherhost',
      role: 'host',
    });
    const otherHostToken = String(otherHost.body.accessToken);
    const before = await api.get<Json>(`/v1/bookings/${bookingId}`, tokens.guest);
    // Read (and so cache) the listing's page and a search page listing it before the edit.
    const listed = `/v1/properties?city=Amsterdam&limit=100`;
    expect((await api.get<Page>(listed)).body.items).toContainEqual(
      expect.objectContaining({ id: propertyId, title: 'Canal house with a view' }),
    );
    expect((await api.get<Json>(`/v1/properties/${propertyId}`)).body).toMatchObject({
      title: 'Canal house with a view',
    });

    const patched = await api.request<Json>('PATCH', `/v1/properties/${propertyId}`, {
      json: { nightlyPrice: 15000, title: 'Canal house, renovated', cancellationPolicy: 'moderate' },
      token: tokens.host,
    });
    expect(patched.status).toBe(200);
    const search = await api.get<Page>(`/v1/properties?city=Amsterdam&minPrice=15000&maxPrice=15000`);
    expect(search.body.items).toContainEqual(
      expect.objectContaining({ id: propertyId, nightlyPrice: 15000, title: 'Canal house, renovated' }),
    );
    expect((await api.get<Page>(listed)).body.items).toContainEqual(
      expect.objectContaining({ id: propertyId, nightlyPrice: 15000, title: 'Canal house, renovated' }),
    );
    expect((await api.get<Json>(`/v1/properties/${propertyId}`)).body).toMatchObject({
      nightlyPrice: 15000,
      title: 'Canal house, renovated',
    });
    // The booking made before keeps its price and policy.
    const after = await api.get<Json>(`/v1/bookings/${bookingId}`, tokens.guest);
    expect(after.body).toEqual(before.body);
    expect(after.body).toMatchObject({ totalAmount: stayTotal, cancellationPolicy: 'flexible' });

    const byOtherHost = await api.request('PATCH', `/v1/properties/${propertyId}`, {
      json: { title: 'Mine' },
      token: otherHostToken,
    });
    expect(byOtherHost.status).toBe(403);
    const hostIdChange = await api.request<Json>('PATCH', `/v1/properties/${propertyId}`, {
      json: { hostId: String(otherHost.body.user && (otherHost.body.user as Json).id) },
      token: tokens.host,
    });
    expect(hostIdChange.status).toBe(400);
    expect(JSON.stringify(hostIdChange.body)).toContain('hostId');

    const own = await api.get<Page>('/v1/host/properties?limit=100', tokens.host);
    expect(own.status).toBe(200);
    expect(own.body.items.map((p) => p.id)).toContain(propertyId);
    expect((await api.get<Page>('/v1/host/properties', otherHostToken)).body.items).toEqual([]);
    expect((await api.get('/v1/host/properties', tokens.guest)).status).toBe(403);
    const hostBookings = await api.get<Page>(
      `/v1/host/bookings?propertyId=${propertyId}&status=confirmed`,
      tokens.host,
    );
    expect(hostBookings.body.items.map((b) => b.id)).toContain(bookingId);
    expect((await api.get(`/v1/host/bookings?propertyId=${propertyId}`, otherHostToken)).status).toBe(404);
    const mine = await api.get<Page>('/v1/bookings?status=confirmed&limit=100', tokens.guest);
    expect(mine.body.items.map((b) => b.id)).toContain(bookingId);
    const theirs = await api.get<Page>('/v1/bookings?limit=100', tokens.other);
    expect(theirs.body.items.map((b) => b.id)).not.toContain(bookingId);
  });

  it('lets the host remove an image: no longer listed, its files no longer served', async () => {
    const property = await api.get<{ images: { id: string; variants: { url: string }[] }[] }>(
      `/v1/properties/${propertyId}`,
    );
    const image = property.body.images.find((i) => i.id === imageId);
    expect(image?.variants.length).toBeGreaterThan(0);
    const path = `/v1/properties/${propertyId}/images/${imageId}`;
    expect((await api.request('DELETE', path, { token: tokens.guest })).status).toBe(403);

    const removed = await api.request('DELETE', path, { token: tokens.host });

    expect(removed.status).toBe(204);
    const after = await api.get<{ images: { id: string }[] }>(`/v1/properties/${propertyId}`);
    expect(after.body.images.map((i) => i.id)).not.toContain(imageId);
    for (const variant of image?.variants ?? []) {
      expect((await fetch(variant.url)).status).toBe(404);
    }
  });

  it('9. screens a tenant application that has consent, the host approves it, the tenant is emailed and their data purged', async () => {
    const applicant = { fullName: 'Gus Guest', dateOfBirth: '1990-04-01' };
    const noConsent = await api.post(
      '/v1/applications',
      { propertyId, consent: false, applicant },
      tokens.guest,
    );
    expect(noConsent.status).toBe(400);

    const created = await api.post<Json>(
      '/v1/applications',
      { propertyId, consent: true, applicant },
      tokens.guest,
    );
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'screening' });
    const applicationId = String(created.body.id);
    const screened = await eventually(
      () => api.get<Json>(`/v1/applications/${applicationId}`, tokens.guest),
      (r) => r.body.status !== 'screening',
      'the screening outcome',
    );
    expect(screened.body.status).toBe('screened');
    expect(['approved', 'declined', 'review']).toContain((screened.body.screening as Json).outcome);
    expect(JSON.stringify(screened.body)).not.toContain('1990-04-01');
    expect((await api.get(`/v1/applications/${applicationId}`, tokens.other)).status).toBe(404);

    // The property's host sees it with screening's summary, never the applicant's personal data.
    const list = await api.get<Page>(
      `/v1/host/applications?propertyId=${propertyId}&status=screened`,
      tokens.host,
    );
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('private, no-store');
    expect(list.body.items.map((a) => a.id)).toContain(applicationId);
    expect(JSON.stringify(list.body)).not.toContain('Gus Guest');

    // The host of another property neither sees it nor decides it.
    const otherHost = await api.post<Json>('/v1/auth/register', {
      email: `applications-host-${unique}@example.com`,
      password,
      name: 'Petra Otherhost',
      role: 'host',
    });
    const otherHostToken = String(otherHost.body.accessToken);
    expect((await api.get<Page>('/v1/host/applications', otherHostToken)).body.items).toEqual([]);
    const stranger = await api.post(
      `/v1/host/applications/${applicationId}/decision`,
      { decision: 'declined', reason: 'not my property' },
      otherHostToken,
    );
    expect(stranger.status).toBe(404);
    const unknownField = await api.post<Json>(
      `/v1/host/applications/${applicationId}/decision`,
      { decision: 'approved', reason: 'ok', rent: 1 },
      tokens.host,
    );
    expect(unknownField.status).toBe(400);

    const decided = await api.post<Json>(
      `/v1/host/applications/${applicationId}/decision`,
      { decision: 'approved', reason: 'References checked, welcome!' },
      tokens.host,
    );
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      status: 'approved',
      decision: { decision: 'approved', reason: 'References checked, welcome!' },
    });
    const twice = await api.post(
      `/v1/host/applications/${applicationId}/decision`,
      { decision: 'declined', reason: 'changed my mind' },
      tokens.host,
    );
    expect(twice.status).toBe(409);

    // The tenant is emailed once, and sees the status on their own list.
    const isDecisionTo = (m: CaughtMail) =>
      m.to.includes(guestEmail) && /^Your application for .* is approved$/.test(m.subject);
    const [email] = await mail.waitFor(isDecisionTo, 30_000);
    expect(email.text).toContain('Hi Gus Guest,');
    expect(email.text).toContain('The host wrote: “References checked, welcome!”');
    expect(email.text).toContain(applicationId);
    const own = await api.get<Page>('/v1/applications', tokens.guest);
    expect(own.body.items).toContainEqual(expect.objectContaining({ id: applicationId, status: 'approved' }));

    // The applicant's personal data is gone from rentals' database; the decision's record stays.
    const db = new Client({ connectionString: testEnvironment().databaseUrlFor(E2E_DATABASE) });
    await db.connect();
    try {
      const { rows } = await db.query(
        `SELECT applicant_full_name, applicant_date_of_birth, decided_by, decision_reason, purged_at
           FROM rentals.applications WHERE id = $1`,
        [applicationId],
      );
      expect(rows[0]).toMatchObject({
        applicant_full_name: null,
        applicant_date_of_birth: null,
        decided_by: decodeJwt(tokens.host).sub,
        decision_reason: 'References checked, welcome!',
        purged_at: expect.any(Date),
      });
    } finally {
      await db.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(mail.messages().filter(isDecisionTo)).toHaveLength(1);
  });

  /** A person at Mollie's (fake) checkout page: picks the outcome, is sent back to our frontend. */
  async function checkout(checkoutUrl: string, status: 'paid' | 'failed'): Promise<string | null> {
    // The browser of a developer who accepted the fake's self-signed certificate.
    const browser = new Agent({ connect: { ca: mollie.certificate } });
    try {
      const page = await undiciFetch(checkoutUrl, { dispatcher: browser });
      expect(await page.text()).toContain(`value="${status}"`);
      const chosen = await undiciFetch(checkoutUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `status=${status}`,
        redirect: 'manual',
        dispatcher: browser,
      });
      expect(chosen.status).toBe(303);
      return chosen.headers.get('location');
    } finally {
      await browser.close();
    }
  }

  /** A two-night hold, and the total the server priced it at (fees and tax included). */
  async function holdForMollie(offsetDays: number): Promise<{ id: string; totalAmount: number }> {
    const held = await api.post<Json>(
      '/v1/bookings',
      { propertyId, checkIn: isoDay(offsetDays), checkOut: isoDay(offsetDays + 2), guests: 1 },
      tokens.guest,
    );
    expect(held.status).toBe(201);
    return { id: String(held.body.id), totalAmount: Number(held.body.totalAmount) };
  }

  async function mollieIgnoredPings(): Promise<number> {
    const metrics = await (await fetch(`http://127.0.0.1:${ports.payments.opsPort}/metrics`)).text();
    return Number(
      /^webhook_events_total\{provider="mollie",type="payment.ping",outcome="ignored"\} (\d+)/m.exec(
        metrics,
      )?.[1] ?? 0,
    );
  }

  it('pays with Mollie iDEAL through the checkout page, and the booking is confirmed', async () => {
    const { id: mollieBooking, totalAmount } = await holdForMollie(100);
    const payment = await api.post<Json>(
      `/v1/bookings/${mollieBooking}/payments`,
      { provider: 'mollie', method: 'ideal' },
      tokens.guest,
    );
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({
      provider: 'mollie',
      status: 'pending',
      amount: totalAmount,
      currency: 'EUR',
    });
    expect(String(payment.body.providerPaymentId)).toMatch(/^tr_/);
    expect(payment.body).not.toHaveProperty('clientSecret');
    const atMollie = mollie.payments().find((p) => p.id === payment.body.providerPaymentId);
    expect(atMollie).toMatchObject({
      // Mollie's amount: the same minor units as a decimal string (EUR has two decimals).
      amount: { currency: 'EUR', value: (totalAmount / 100).toFixed(2) },
      method: 'ideal',
      metadata: { paymentId: payment.body.id, bookingId: mollieBooking },
      webhookUrl: `http://127.0.0.1:${ports.gateway.port}/v1/webhooks/mollie`,
    });

    const back = await checkout(String(payment.body.checkoutUrl), 'paid');
    expect(back).toMatch(/^https:\/\/web\.rentguy\.test\/payments\/return\?/);
    expect(new URL(String(back)).searchParams.get('bookingId')).toBe(mollieBooking);
    // Mollie's ping went through the gateway untouched and was answered 200.
    expect(
      mollie.deliveries.filter((d) => d.paymentId === payment.body.providerPaymentId).map((d) => d.status),
    ).toEqual([200]);
    const booking = await eventually(
      () => api.get<Json>(`/v1/bookings/${mollieBooking}`, tokens.guest),
      (r) => r.body.status === 'confirmed',
      'the Mollie-paid booking to be confirmed',
    );
    expect(booking.body.status).toBe('confirmed');
  });

  it('answers 200 to a Mollie ping for an unknown id and changes nothing', async () => {
    const ignoredBefore = await mollieIgnoredPings();
    const bookingBefore = await api.get<Json>(`/v1/bookings/${bookingId}`, tokens.guest);
    const answer = await api.request<Json>('POST', '/v1/webhooks/mollie', {
      body: 'id=tr_unknownE2e1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(answer.status).toBe(200);
    await eventually(
      mollieIgnoredPings,
      (n) => n === ignoredBefore + 1,
      'the unknown ping to be fetched and ignored',
    );
    expect((await api.get<Json>(`/v1/bookings/${bookingId}`, tokens.guest)).body).toEqual(bookingBefore.body);
    const malformed = await api.request<Json>('POST', '/v1/webhooks/mollie', {
      body: 'id=robert%27%3B',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(malformed.status).toBe(400);
  });

  it('keeps the booking held when a Mollie payment fails, and lets the guest pay again', async () => {
    const { id: mollieBooking } = await holdForMollie(110);
    const first = await api.post<Json>(
      `/v1/bookings/${mollieBooking}/payments`,
      { provider: 'mollie' },
      tokens.guest,
    );
    expect(first.status).toBe(201);
    await checkout(String(first.body.checkoutUrl), 'failed');
    // Until payments has applied the failure, asking again returns the same payment (200).
    const second = await eventually(
      () => api.post<Json>(`/v1/bookings/${mollieBooking}/payments`, { provider: 'mollie' }, tokens.guest),
      (r) => r.status === 201,
      'a new payment once the failed one is recorded',
    );
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.providerPaymentId).not.toBe(first.body.providerPaymentId);
    expect((await api.get<Json>(`/v1/bookings/${mollieBooking}`, tokens.guest)).body.status).toBe('held');
    await checkout(String(second.body.checkoutUrl), 'paid');
    await eventually(
      () => api.get<Json>(`/v1/bookings/${mollieBooking}`, tokens.guest),
      (r) => r.body.status === 'confirmed',
      'the booking to be confirmed by the second payment',
    );
  });

  /** A held booking `offsetDays` from today, paid through Stripe and confirmed. */
  async function paidWithStripe(
    offsetDays: number,
  ): Promise<{ id: string; totalAmount: number; intent: string; paymentId: string }> {
    const { id, totalAmount } = await holdForMollie(offsetDays);
    const payment = await api.post<Json>(`/v1/bookings/${id}/payments`, { provider: 'stripe' }, tokens.guest);
    expect(payment.status).toBe(201);
    const intent = String(payment.body.providerPaymentId);
    await stripe.succeed(intent);
    await eventually(
      () => api.get<Json>(`/v1/bookings/${id}`, tokens.guest),
      (r) => r.body.status === 'confirmed',
      'the Stripe-paid booking to be confirmed',
    );
    return { id, totalAmount, intent, paymentId: String(payment.body.id) };
  }

  /** A new admin's access token: registered as a guest, then promoted in identity's table. */
  async function newAdminToken(label: string): Promise<string> {
    const email = `${label}-${unique}@example.com`;
    const registered = await api.post('/v1/auth/register', {
      email,
      password,
      name: 'Audra Admin',
      role: 'guest',
    });
    expect(registered.status).toBe(201);
    const db = new Client({ connectionString: testEnvironment().databaseUrlFor(E2E_DATABASE) });
    await db.connect();
    try {
      await db.query(`UPDATE identity.users SET role = 'admin' WHERE email = $1`, [email]);
    } finally {
      await db.end();
    }
    return String((await api.post<Json>('/v1/auth/login', { email, password })).body.accessToken);
  }

  it('refunds a guest who cancels a Mollie iDEAL booking under moderate: quote = refund at Mollie = email', async () => {
    // Check-in in three days: under moderate, half the nights come back (less than 5 days before).
    const { id, totalAmount } = await holdForMollie(3);
    const payment = await api.post<Json>(
      `/v1/bookings/${id}/payments`,
      { provider: 'mollie', method: 'ideal' },
      tokens.guest,
    );
    expect(payment.status).toBe(201);
    await checkout(String(payment.body.checkoutUrl), 'paid');
    await eventually(
      () => api.get<Json>(`/v1/bookings/${id}`, tokens.guest),
      (r) => r.body.status === 'confirmed',
      'the Mollie-paid booking to be confirmed',
    );
    const chosen = new Date(Date.now() + 60_000).toISOString();
    const quote = await api.get<Json>(`/v1/bookings/${id}/cancellation-quote?at=${chosen}`, tokens.guest);
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ policy: 'moderate', policyVersion: 1, asOf: chosen, currency: 'EUR' });
    const refundAmount = Number(quote.body.refundAmount);
    expect(refundAmount).toBeGreaterThan(0);
    expect(refundAmount).toBeLessThan(totalAmount);

    const cancelled = await api.request<Json>('POST', `/v1/bookings/${id}/cancel`, {
      body: JSON.stringify({}),
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokens.guest}`,
        'idempotency-key': `e2e-cancel-${id}`,
      },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellation: { cancelledBy: 'guest', refund: { amount: refundAmount, status: 'requested' } },
    });
    const atMollie = await eventually(
      async () => mollie.refunds().find((r) => r.paymentId === payment.body.providerPaymentId),
      (r) => r !== undefined,
      'the refund to reach Mollie',
    );
    expect(atMollie?.amount).toEqual({ currency: 'EUR', value: (refundAmount / 100).toFixed(2) });
    const euros = `€${(refundAmount / 100).toFixed(2)}`;
    const [email] = await mail.waitFor(
      (m) => m.to.includes(guestEmail) && / is cancelled$/.test(m.subject),
      30_000,
    );
    expect(email.text).toContain(`We are refunding ${euros}`);

    await mollie.settleRefund(String(atMollie?.id), 'refunded');
    const [refunded] = await mail.waitFor(
      (m) => m.to.includes(guestEmail) && m.subject === `Your refund of ${euros} is on its way`,
      30_000,
    );
    expect(refunded.text).toContain(euros);
    const view = await eventually(
      () => api.get<Json>(`/v1/bookings/${id}`, tokens.guest),
      (r) => (r.body.cancellation as { refund?: { status?: string } } | null)?.refund?.status === 'succeeded',
      'the refund on the booking',
    );
    expect(view.body.refunds).toEqual([
      expect.objectContaining({ amount: refundAmount, reason: 'guest_cancelled', status: 'succeeded' }),
    ]);
    // The host heard of it too.
    await mail.waitFor((m) => m.to.includes(hostEmail) && / cancelled$/.test(m.subject), 30_000);
    // The dates are free at once.
    const again = await holdForMollie(3);
    expect(again.id).not.toBe(id);
  });

  it('refunds everything when the host cancels a Stripe booking', async () => {
    const { id, totalAmount, intent } = await paidWithStripe(120);
    // The caller claims an address; the audit entry must carry the one the gateway resolved.
    const cancelled = await api.request<Json>('POST', `/v1/bookings/${id}/cancel`, {
      json: {},
      token: tokens.host,
      headers: { 'x-forwarded-for': '198.51.100.66' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      cancellation: { cancelledBy: 'host', refund: { amount: totalAmount } },
    });
    const refunds = await eventually(
      async () => stripe.refunds().filter((r) => r.payment_intent === intent),
      (r) => r.length === 1,
      'the refund at Stripe',
    );
    expect(refunds[0]?.amount).toBe(totalAmount);
    await eventually(
      () => api.get<Json>(`/v1/bookings/${id}`, tokens.guest),
      (r) => (r.body.cancellation as { refund?: { status?: string } } | null)?.refund?.status === 'succeeded',
      'the refund to succeed on the booking',
    );
    // A host's cancel is a sensitive action: rentals reports it, and admins see it in identity's log.
    const adminToken = await newAdminToken('audit-admin');
    const audit = await eventually(
      () => api.get<Page>('/v1/admin/audit?action=booking.cancelled_by_host', adminToken),
      (r) => r.body.items?.some((entry) => (entry.target as Json).id === id) ?? false,
      "the host's cancel in the audit log",
    );
    const entry = audit.body.items.find((e) => (e.target as Json).id === id);
    expect(entry).toMatchObject({
      action: 'booking.cancelled_by_host',
      actor: { role: 'host' },
      target: { type: 'booking', id },
      source: 'rentals',
      details: { refundAmount: totalAmount },
    });
    expect(typeof entry?.requestId).toBe('string');
    expect(entry?.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect((await api.get('/v1/admin/audit', tokens.host)).status).toBe(403);
  });

  it('lets an admin refund part of a paid booking as goodwill: at Stripe, capped, in the audit log', async () => {
    const { id, totalAmount, intent, paymentId } = await paidWithStripe(125);
    const adminToken = await newAdminToken('goodwill-admin');
    const goodwill = 2_500;
    const refundAs = (token: string, amount: number) =>
      api.request<Json>('POST', `/v1/admin/payments/${paymentId}/refunds`, {
        token,
        json: { amount, reason: 'The heating was broken for two nights' },
      });

    expect((await refundAs(tokens.guest, goodwill)).status).toBe(403);
    expect((await refundAs(tokens.host, goodwill)).status).toBe(403);
    const refunded = await refundAs(adminToken, goodwill);
    expect(refunded.status).toBe(201);
    expect(refunded.body).toMatchObject({ amount: goodwill, reason: 'goodwill' });
    const atStripe = await eventually(
      async () => stripe.refunds().filter((r) => r.payment_intent === intent),
      (r) => r.length === 1,
      'the goodwill refund at Stripe',
    );
    expect(atStripe[0]?.amount).toBe(goodwill);
    // Never more than what the payment captured, whatever is asked.
    const tooMuch = await refundAs(adminToken, totalAmount);
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ error: { details: { refundable: totalAmount - goodwill } } });
    expect(stripe.refunds().filter((r) => r.payment_intent === intent)).toHaveLength(1);

    const audit = await eventually(
      () => api.get<Page>('/v1/admin/audit?action=refund.issued_by_admin', adminToken),
      (r) => r.body.items?.some((entry) => (entry.target as Json).id === refunded.body.id) ?? false,
      "the admin's refund in the audit log",
    );
    expect(audit.body.items.find((e) => (e.target as Json).id === refunded.body.id)).toMatchObject({
      action: 'refund.issued_by_admin',
      actor: { role: 'admin' },
      target: { type: 'refund', id: refunded.body.id },
      source: 'payments',
      details: { paymentId, bookingId: id, amount: goodwill, reason: 'goodwill' },
    });
  });

  it('cancels once and refunds once under duplicate and concurrent cancel requests', async () => {
    const { id, intent } = await paidWithStripe(130);
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens.guest}`,
      'idempotency-key': `e2e-concurrent-${id}`,
    };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        api.request<Json>('POST', `/v1/bookings/${id}/cancel`, { body: '{}', headers }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const unkeyed = await api.post<Json>(`/v1/bookings/${id}/cancel`, {}, tokens.guest);
    expect(unkeyed.status).toBe(409);
    await eventually(
      async () => stripe.refunds().filter((r) => r.payment_intent === intent),
      (r) => r.length === 1,
      'the refund at Stripe',
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(stripe.refunds().filter((r) => r.payment_intent === intent)).toHaveLength(1);
  });

  it('confirms a paid hold whose payment.succeeded never arrived, and emails its guest once', async () => {
    // The loss found from outside: a payment succeeded but its event never reached rentals (the
    // broker lost it). Here the payment is written into payments' table with no event at all;
    // rentals' cross-check asks payments over its service-only route and confirms the booking.
    const email = `lost-${unique}@example.com`;
    const guest = await api.post<Json>('/v1/auth/register', {
      email,
      password,
      name: 'Lou Lost',
      role: 'guest',
    });
    expect(guest.status).toBe(201);
    const token = String(guest.body.accessToken);
    const held = await api.post<Json>(
      '/v1/bookings',
      { propertyId, checkIn: isoDay(90), checkOut: isoDay(92), guests: 1 },
      token,
    );
    expect(held.status).toBe(201);
    const db = new Client({ connectionString: testEnvironment().databaseUrlFor(E2E_DATABASE) });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO payments.payments (id, booking_id, guest_id, provider, provider_payment_id, amount, currency, status)
         VALUES ($1, $2, $3, 'stripe', $4, $5, $6, 'succeeded')`,
        [
          randomUUID(),
          held.body.id,
          (guest.body.user as Json).id,
          `pi_lost_${unique}`,
          held.body.totalAmount,
          held.body.currency,
        ],
      );
    } finally {
      await db.end();
    }

    const confirmed = await eventually(
      () => api.get<Json>(`/v1/bookings/${String(held.body.id)}`, token),
      (r) => r.body.status === 'confirmed',
      'the cross-check to confirm the paid hold',
    );
    expect(confirmed.body.status).toBe('confirmed');
    const metrics = await (await fetch(`http://127.0.0.1:${ports.rentals.opsPort}/metrics`)).text();
    const repaired = /^hold_payment_checks_total\{check="cross-check",outcome="confirmed"\} (\d+)/m.exec(
      metrics,
    );
    expect(Number(repaired?.[1] ?? 0)).toBeGreaterThanOrEqual(1);
    await mail.waitFor(isConfirmationTo(email), 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(mail.messages().filter(isConfirmationTo(email))).toHaveLength(1);
  });

  it('serves readiness and Prometheus metrics on every ops port, and nothing of it publicly', async () => {
    for (const app of APP_NAMES) {
      const ops = `http://127.0.0.1:${ports[app].opsPort}`;
      const ready = await fetch(`${ops}/health/ready`);
      expect({ app, status: ready.status }).toEqual({ app, status: 200 });
      const metrics = await fetch(`${ops}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const text = await metrics.text();
      expect(text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
      expect(text).toMatch(/^# TYPE \w+ (counter|gauge|histogram)$/m);
    }
    const gatewayMetrics = await (await fetch(`http://127.0.0.1:${ports.gateway.opsPort}/metrics`)).text();
    expect(gatewayMetrics).toMatch(
      /http_requests_total\{method="POST",route="\/v1\/auth\/register",status_code="201"\}/,
    );
    expect((await api.get('/metrics')).status).toBe(404);
  });

  it('exports every metric that an alert rule or a dashboard panel reads', async () => {
    const pages = await Promise.all(
      APP_NAMES.map(async (app) => (await fetch(`http://127.0.0.1:${ports[app].opsPort}/metrics`)).text()),
    );
    const queries = monitoringQueries(root);
    const names = new Set(queries.flatMap(({ expr }) => metricNamesOf(expr)));
    // The rules and dashboards read many metrics of every kind; an empty list would prove nothing.
    expect(names.size).toBeGreaterThan(25);
    expect([...names]).toEqual(
      expect.arrayContaining([
        'http_request_duration_seconds_bucket',
        'kafka_consumer_lag',
        'queue_depth',
        'up',
      ]),
    );
    expect(unexportedMetrics(queries, pages, recordedNames(root))).toEqual([]);
  });

  it('fills the running platform with demo data (npm run seed), and a second run adds nothing', async () => {
    const seed = () =>
      promisify(execFile)(process.execPath, [join(root, 'tools', 'seed', 'seed.mjs')], {
        cwd: root,
        env: {
          ...process.env,
          SEED_API_URL: `http://127.0.0.1:${ports.gateway.port}`,
          DATABASE_URL: testEnvironment().databaseUrlFor(E2E_DATABASE),
        },
        timeout: 120_000,
      });

    const first = await seed();
    expect(first.stdout).toMatch(/\[1\/5\] accounts +6 accounts \(6 new\)/);
    expect(first.stdout).toMatch(/\[2\/5\] listings +10 listings in 8 cities \(10 new\)/);
    expect(first.stdout).toMatch(/\[3\/5\] images +10 listings have a photo \(10 uploaded/);
    expect(first.stdout).toMatch(/\[4\/5\] bookings +15 bookings, 7 past and 8 upcoming \(15 new\)/);
    expect(first.stdout).toMatch(/\[5\/5\] blocks +3 blocked periods \(3 new\)/);
    expect(first.stdout).toContain('hanna.host@rentguy.test');

    const second = await seed();
    expect(second.stdout).toMatch(/accounts +6 accounts \(0 new\)/);
    expect(second.stdout).toMatch(/listings +10 listings in 8 cities \(0 new\)/);
    expect(second.stdout).toMatch(/images +10 listings have a photo \(0 uploaded/);
    expect(second.stdout).toMatch(/bookings +15 bookings, 7 past and 8 upcoming \(0 new\)/);
    expect(second.stdout).toMatch(/blocks +3 blocked periods \(0 new\)/);

    // What a newcomer then sees: a host's own listings and bookings, and search in a seeded city.
    const login = await api.post<Json>('/v1/auth/login', {
      email: 'hanna.host@rentguy.test',
      password: 'rentguy-demo-2026',
    });
    expect(login.status).toBe(200);
    const hostToken = String(login.body.accessToken);
    expect((await api.get<Page>('/v1/host/properties', hostToken)).body.items).toHaveLength(4);
    const hostBookings = await api.get<Page>('/v1/host/bookings?limit=100', hostToken);
    expect(hostBookings.body.items.map((b) => b.status).sort()).toEqual([
      'completed',
      'completed',
      'completed',
      'confirmed',
      'confirmed',
      'confirmed',
    ]);
    const lisbon = await api.get<Page>('/v1/properties?city=lisbon');
    expect(lisbon.body.items.map((p) => p.title)).toContain('Azulejo apartment in Alfama');
  }, 240_000);

  describeAuthorizationMatrix({
    api: () => api,
    stripe: () => stripe,
    root,
    databaseUrl: testEnvironment().databaseUrlFor(E2E_DATABASE),
  });
});

describe('shutdown', () => {
  it('stops every app on SIGTERM with exit code 0', async () => {
    Object.assign(exitCodes, await platform.stop());
    expect(exitCodes).toEqual(Object.fromEntries(APP_NAMES.map((name) => [name, 0])));
  });
});
