import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { identitySchema } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { testEnvironment, testJwtEnv } from '@rentguy/testing/platform';
import { createApp } from './bootstrap';
import { appConfig, type AppConfig } from './config';

// The gateway as it boots (createApp), minus the ports and signal handling of serveHttpService. A
// tiny HTTP server stands in for rentals.

let rentals: Server;
const rentalsSaw: IncomingHttpHeaders[] = [];
let app: NestFastifyApplication;
let config: AppConfig;

beforeAll(async () => {
  rentals = createServer((req, res) => {
    rentalsSaw.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
  });
  await new Promise<void>((resolve) => rentals.listen(0, '127.0.0.1', resolve));
  config = loadConfig(appConfig, {
    env: {
      DATABASE_URL: testEnvironment().databaseUrl,
      ...testJwtEnv(),
      RENTALS_URL: `http://127.0.0.1:${(rentals.address() as AddressInfo).port}`,
      CORS_ORIGINS: 'https://app.rentguy.test, https://admin.rentguy.test',
      LOG_LEVEL: 'silent',
    },
  });
  await migrateSchema(identitySchema, {
    url: config.DATABASE_URL,
    applicationName: 'gateway-int-spec-migrate',
  });
  // Test files share identity's outbox table: this one writes events but relays none.
  app = await createApp(config, { messaging: { relay: false } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => (rentals ? rentals.close(() => resolve()) : resolve()));
});

it('issues a token at register that the proxied route forwards to the service', async () => {
  const register = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: {
      email: `gw.${randomUUID().slice(0, 8)}@example.com`,
      password: 'correct horse battery',
      name: 'Gil',
      role: 'host',
    },
  });
  expect(register.statusCode).toBe(201);
  const { accessToken } = register.json<{ accessToken: string }>();

  const listing = await app.inject({
    method: 'GET',
    url: '/v1/properties?mine=true',
    headers: { authorization: `Bearer ${accessToken}` },
  });

  expect(listing.statusCode).toBe(200);
  expect(listing.body).toBe('[]');
  expect(rentalsSaw.at(-1)?.authorization).toBe(`Bearer ${accessToken}`);
});

it('answers CORS for allow-listed origins only', async () => {
  const allowed = await app.inject({
    method: 'OPTIONS',
    url: '/v1/auth/login',
    headers: { origin: 'https://app.rentguy.test', 'access-control-request-method': 'POST' },
  });
  const other = await app.inject({
    method: 'OPTIONS',
    url: '/v1/auth/login',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });

  expect(allowed.headers['access-control-allow-origin']).toBe('https://app.rentguy.test');
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
});

it('publishes the OpenAPI document of the whole public API at /docs/openapi.json', async () => {
  const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
  const document = response.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();

  expect(response.statusCode).toBe(200);
  expect(document.openapi).toBe('3.1.0');
  // The gateway's own routes and those it forwards to the services.
  expect(Object.keys(document.paths)).toEqual(
    expect.arrayContaining([
      '/v1/admin/audit',
      '/v1/admin/users',
      '/v1/api-keys',
      '/v1/api-keys/{id}',
      '/v1/auth/login',
      '/v1/bookings',
      '/v1/bookings/{id}/payments',
      '/v1/me',
      '/v1/me/notifications',
      '/v1/me/password',
    ]),
  );
  expect(document.paths['/v1/bookings']).toHaveProperty('post.operationId', 'bookingCreate');
});
