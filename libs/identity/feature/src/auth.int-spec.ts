import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { DatabaseModule, databaseConfig, migrateSchema } from '@rentguy/platform/database';
import { HealthModule } from '@rentguy/platform/health';
import { AccessTokenVerifier, authProviders, ErrorFilter, httpConfig } from '@rentguy/platform/http';
import { MetricsModule } from '@rentguy/platform/metrics';
import { testConfigModule, testEnvironment } from '@rentguy/testing/platform';
import { identitySchema } from '@rentguy/identity/data-access';
import { identityConfig } from './identity.config';
import { IdentityModule } from './identity.module';

const DATABASE_URL = testEnvironment().databaseUrl;

@Module({
  imports: [
    testConfigModule('gateway', [httpConfig, databaseConfig, identityConfig], {
      DATABASE_URL,
      JWT_KEYS:
        'int-new:integration-test-secret-number-two-32+,int-old:integration-test-secret-number-one-32+',
    }),
    MetricsModule,
    HealthModule.forRoot({ requires: [] }),
    DatabaseModule.forRoot({ schema: identitySchema, applicationName: 'identity-int-spec' }),
    IdentityModule,
  ],
  providers: authProviders,
})
class IdentityTestModule {}

let app: NestFastifyApplication;
let verifier: AccessTokenVerifier;

/** A fresh address per test, so runs never collide with rows left by earlier runs. */
const email = (name = 'ann'): string => `${name}.${randomUUID().slice(0, 8)}@example.com`;
const password = 'correct horse battery staple';

beforeAll(async () => {
  await migrateSchema(identitySchema, {
    url: DATABASE_URL,
    applicationName: 'identity-int-spec-migrate',
  });
  app = await NestFactory.create<NestFastifyApplication>(IdentityTestModule, new FastifyAdapter(), {
    logger: false,
  });
  app.useGlobalFilters(new ErrorFilter());
  await app.init();
  verifier = app.get(AccessTokenVerifier);
  await app.getHttpAdapter().getInstance().ready();
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
    expect(body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 900 });
    await expect(verifier.verify(body.accessToken)).resolves.toEqual({
      id: userId,
      email: address,
      name: 'Lou',
      role: 'guest',
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
