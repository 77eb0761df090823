import { randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { identitySchema } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import {
  startTcpProxy,
  testEnvironment,
  testJwtEnv,
  testSigningKey,
  type TcpProxy,
} from '@rentguy/testing/platform';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The gateway's rate limits (libs/gateway/edge rate-limit.*) against the real Redis, with a TCP proxy
// in front of it to take it away. A tiny HTTP server stands in for rentals. Every test counts under
// addresses and emails of its own, so runs within one window never share a counter.

const env = testEnvironment();
const redisTarget = new URL(env.redisUrl);

let rentals: Server;
let redisProxy: TcpProxy;
let gateway: NestFastifyApplication;
let trusting: NestFastifyApplication;

async function startGateway(extra: Record<string, string>): Promise<NestFastifyApplication> {
  const config = loadConfig(appConfig, {
    env: {
      DATABASE_URL: env.databaseUrl,
      ...testJwtEnv(),
      RENTALS_URL: `http://127.0.0.1:${(rentals.address() as AddressInfo).port}`,
      RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      RATE_LIMIT_LOGIN_PER_IP_EMAIL: '3/1m',
      RATE_LIMIT_LOGIN_PER_IP: '8/1m',
      RATE_LIMIT_API_PER_USER: '4/1m',
      RATE_LIMIT_SEARCH_PER_IP: '3/1m',
      RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: '2/1h',
      LOG_LEVEL: 'silent',
      ...extra,
    },
  });
  const app = await createApp(config, { messaging: { relay: false } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** A fresh address per test, so no two tests (or two runs) share a counter. */
const freshIp = (): string => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const freshEmail = (): string => `rl.${randomUUID().slice(0, 8)}@example.com`;

function login(app: NestFastifyApplication, ip: string, email: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    remoteAddress: ip,
    headers,
    payload: { email, password: 'not the password' },
  });
}

function tokenFor(userId: string): Promise<string> {
  return testSigningKey.sign(
    { id: userId, role: 'guest', email: 'rl@example.com', name: 'Rl' },
    { expiresIn: '5m' },
  );
}

beforeAll(async () => {
  rentals = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
  await new Promise<void>((resolve) => rentals.listen(0, '127.0.0.1', resolve));
  redisProxy = await startTcpProxy({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
  await migrateSchema(identitySchema, {
    url: env.databaseUrl,
    applicationName: 'rate-limit-int-spec-migrate',
  });
  gateway = await startGateway({});
  trusting = await startGateway({ TRUSTED_PROXIES: '192.0.2.0/24' });
});

afterAll(async () => {
  await Promise.all([gateway?.close(), trusting?.close()]);
  await redisProxy?.close();
  await new Promise<void>((resolve) => (rentals ? rentals.close(() => resolve()) : resolve()));
});

describe('login', () => {
  it('refuses the attempt past the per-IP+email limit with 429, Retry-After and RateLimit headers', async () => {
    const ip = freshIp();
    const email = freshEmail();

    const attempts = [];
    for (let i = 0; i < 3; i += 1) {
      attempts.push(await login(gateway, ip, email));
    }
    const over = await login(gateway, ip, email);

    expect(attempts.map((a) => a.statusCode)).toEqual([401, 401, 401]);
    expect(attempts.map((a) => a.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(attempts[0]?.headers['ratelimit-limit']).toBe('3');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: { code: 'rate_limited' } });
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(over.headers).toMatchObject({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(retryAfter),
    });
  });

  it('counts only failed attempts against an account: its owner signs in as often as they like', async () => {
    const ip = freshIp();
    const email = freshEmail();
    const password = 'correct horse battery';
    const registered = await gateway.inject({
      method: 'POST',
      url: '/v1/auth/register',
      remoteAddress: ip,
      payload: { email, password, name: 'Rita', role: 'guest' },
    });
    expect(registered.statusCode).toBe(201);
    const signIn = (secret: string) =>
      gateway.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: freshIp(),
        payload: { email, password: secret },
      });
    const fromOneAddress = (secret: string) =>
      gateway.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: ip,
        payload: { email, password: secret },
      });

    const successes = [];
    for (let i = 0; i < 4; i += 1) {
      successes.push((await fromOneAddress(password)).statusCode);
    }
    const failures = [];
    for (let i = 0; i < 3; i += 1) {
      failures.push((await fromOneAddress('a wrong guess')).statusCode);
    }
    const locked = await fromOneAddress(password);

    expect(successes).toEqual([200, 200, 200, 200]);
    expect(failures).toEqual([401, 401, 401]);
    expect(locked.statusCode).toBe(429);
    // Per address and account: the owner elsewhere is not locked out.
    expect((await signIn(password)).statusCode).toBe(200);
  });

  it('counts emails case-insensitively, and another email from the same address apart', async () => {
    const ip = freshIp();
    const email = freshEmail();
    for (let i = 0; i < 3; i += 1) {
      await login(gateway, ip, i % 2 === 0 ? email : email.toUpperCase());
    }

    expect((await login(gateway, ip, ` ${email.toUpperCase()} `)).statusCode).toBe(429);
    expect((await login(gateway, ip, freshEmail())).statusCode).toBe(401);
    expect((await login(gateway, freshIp(), email)).statusCode).toBe(401);
  });

  it('limits one address across emails', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 9; i += 1) {
      statuses.push((await login(gateway, ip, freshEmail())).statusCode);
    }

    expect(statuses).toEqual([...Array<number>(8).fill(401), 429]);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 9; i += 1) {
      statuses.push((await login(gateway, ip, freshEmail(), { 'x-forwarded-for': freshIp() })).statusCode);
    }

    expect(statuses.at(-1)).toBe(429);
  });

  it('counts by the X-Forwarded-For client behind a trusted proxy', async () => {
    const proxy = '192.0.2.10';
    const client = freshIp();
    const statuses = [];
    for (let i = 0; i < 9; i += 1) {
      statuses.push((await login(trusting, proxy, freshEmail(), { 'x-forwarded-for': client })).statusCode);
    }
    const otherClient = await login(trusting, proxy, freshEmail(), { 'x-forwarded-for': freshIp() });

    expect(statuses.at(-1)).toBe(429);
    expect(otherClient.statusCode).toBe(401);
  });
});

describe('anonymous search', () => {
  it('limits GET /v1/properties per address, and not a signed-in caller searching', async () => {
    const ip = freshIp();
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push(
        (await gateway.inject({ method: 'GET', url: '/v1/properties?city=Utrecht', remoteAddress: ip }))
          .statusCode,
      );
    }
    const signedIn = await gateway.inject({
      method: 'GET',
      url: '/v1/properties?city=Utrecht',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${await tokenFor(randomUUID())}` },
    });
    const oneProperty = await gateway.inject({ method: 'GET', url: '/v1/properties/p1', remoteAddress: ip });

    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(signedIn.statusCode).toBe(200);
    expect(oneProperty.statusCode).toBe(200);
    expect(oneProperty.headers).not.toHaveProperty('ratelimit-limit');
  });
});

describe('authenticated API', () => {
  it('limits each user on every route, proxied or not, with the headers on each answer', async () => {
    const token = await tokenFor(randomUUID());
    const other = await tokenFor(randomUUID());
    const call = (url: string, bearer = token) =>
      gateway.inject({
        method: 'GET',
        url,
        remoteAddress: freshIp(),
        headers: { authorization: `Bearer ${bearer}` },
      });

    const answers = [
      await call('/v1/bookings'),
      await call('/v1/host/bookings'),
      await call('/v1/properties/p1'),
    ];
    answers.push(await call('/v1/bookings/b1'));
    const over = await call('/v1/bookings');

    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['3', '2', '1', '0']);
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await call('/v1/bookings', other)).statusCode).toBe(200);
  });
});

describe('with Redis down', () => {
  afterEach(() => redisProxy.restore());

  it('fails login closed (503, Retry-After) and reads open, then counts again once Redis is back', async () => {
    const ip = freshIp();
    await redisProxy.cut();

    const loginDown = await login(gateway, ip, freshEmail());
    const searchDown = await gateway.inject({ method: 'GET', url: '/v1/properties', remoteAddress: ip });
    const apiDown = await gateway.inject({
      method: 'GET',
      url: '/v1/bookings',
      remoteAddress: ip,
      headers: { authorization: `Bearer ${await tokenFor(randomUUID())}` },
    });

    expect(loginDown.statusCode).toBe(503);
    expect(loginDown.json()).toMatchObject({ error: { code: 'service_unavailable' } });
    expect(Number(loginDown.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(searchDown.statusCode).toBe(200);
    expect(searchDown.headers).not.toHaveProperty('ratelimit-limit');
    expect(apiDown.statusCode).toBe(200);

    await redisProxy.restore();
    const deadline = Date.now() + 10_000;
    let back = await login(gateway, ip, freshEmail());
    while (back.statusCode === 503 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await login(gateway, ip, freshEmail());
    }
    expect(back.statusCode).toBe(401);
    expect(back.headers).toHaveProperty('ratelimit-limit');

    const metrics = await gateway.get(MetricsRegistry).render();
    expect(metrics).toMatch(
      /gateway_rate_limit_decisions_total\{policy="login-ip",outcome="store_unavailable"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /gateway_rate_limit_decisions_total\{policy="login-ip-email",outcome="limited"\} [1-9]/,
    );
  });
});
