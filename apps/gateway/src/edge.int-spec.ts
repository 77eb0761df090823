import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@rentguy/platform/config';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { freePort, testEnvironment, testJwtEnv, testSigningKey, waitUntil } from '@rentguy/testing/platform';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The gateway as it boots (createApp), with two tiny HTTP servers standing in for rentals and
// payments: this suite tests the gateway's forwarding (libs/gateway/edge), not the services.

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Responder = (received: Received, res: ServerResponse) => void;

interface FakeUpstream {
  url: string;
  received: Received[];
  respondWith(responder: Responder): void;
  close(): Promise<void>;
}

const echo: Responder = (received, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ url: received.url }));
};

async function startUpstream(): Promise<FakeUpstream> {
  const received: Received[] = [];
  let responder: Responder = echo;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      responder(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    respondWith: (next) => {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const BODY_LIMIT_BYTES = 64 * 1024;
/** The read cache's space of this run: every gateway of the file shares it, as replicas do. */
const CACHE_NAMESPACE = `edge-int-${randomUUID().slice(0, 8)}`;
const UPLOAD_LIMIT_BYTES = 256 * 1024;

interface Gateway {
  url: URL;
  app: NestFastifyApplication;
}

async function startGateway(
  urls: { rentals: string; payments: string; notifications?: string },
  headersTimeoutMs = 10_000,
): Promise<Gateway> {
  const config = loadConfig(appConfig, {
    env: {
      DATABASE_URL: testEnvironment().databaseUrl,
      RENTALS_URL: urls.rentals,
      PAYMENTS_URL: urls.payments,
      ...(urls.notifications && { NOTIFICATIONS_URL: urls.notifications }),
      UPSTREAM_CONNECTIONS: '8',
      UPSTREAM_CONNECT_TIMEOUT_MS: '2000',
      UPSTREAM_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
      UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT_BYTES),
      ...testJwtEnv(),
      LOG_LEVEL: 'silent',
      CACHE_NAMESPACE,
    },
  });
  const app = await createApp(config, { messaging: { relay: false } });
  await app.listen(0, '127.0.0.1');
  return { app, url: new URL(await app.getUrl()) };
}

interface Sent {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  elapsedMs: number;
}

/** A raw node:http client: fetch would refuse or rewrite the hop-by-hop headers under test. */
function send(
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
    target?: Gateway;
  } = {},
): Promise<Sent> {
  const target = options.target ?? gateway;
  const started = Date.now();
  const headers: Record<string, string> = { ...options.headers };
  if (options.body && !options.chunked) {
    headers['content-length'] = String(options.body.length);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.url.hostname,
        port: target.url.port,
        path,
        method: options.method ?? 'GET',
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            elapsedMs: Date.now() - started,
          }),
        );
      },
    );
    req.on('error', reject);
    if (options.body && options.chunked) {
      // Several writes without a content-length: node sends Transfer-Encoding: chunked.
      for (let offset = 0; offset < options.body.length; offset += 16 * 1024) {
        req.write(options.body.subarray(offset, offset + 16 * 1024));
      }
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

function multipart(file: Buffer): { body: Buffer; contentType: string } {
  const boundary = `----rentguy${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="loft.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

function tokenFor(role: 'guest' | 'host'): Promise<string> {
  return testSigningKey.sign(
    { id: '8d1f0a53-5e0c-4a9b-8d5f-2f4b1c0e9a77', role, email: 'ann@example.com', name: 'Ann' },
    { expiresIn: '5m' },
  );
}

let rentals: FakeUpstream;
let payments: FakeUpstream;
let notifications: FakeUpstream;
let gateway: Gateway;

beforeAll(async () => {
  [rentals, payments, notifications] = await Promise.all([startUpstream(), startUpstream(), startUpstream()]);
  gateway = await startGateway({
    rentals: rentals.url,
    payments: payments.url,
    notifications: notifications.url,
  });
});

beforeEach(() => {
  for (const upstream of [rentals, payments, notifications]) {
    upstream.received.length = 0;
    upstream.respondWith(echo);
  }
});

afterAll(async () => {
  await gateway?.app.close();
  await Promise.all([rentals?.close(), payments?.close(), notifications?.close()]);
});

describe('routing', () => {
  it.each([
    ['GET', '/v1/properties', 'rentals'],
    ['GET', '/v1/properties/p1/availability?from=2026-07-01', 'rentals'],
    ['POST', '/v1/bookings', 'rentals'],
    ['GET', '/v1/bookings/b1', 'rentals'],
    ['POST', '/v1/applications', 'rentals'],
    ['GET', '/v1/properties?city=Utrecht&checkIn=2027-07-01&checkOut=2027-07-04&guests=2', 'rentals'],
    ['PATCH', '/v1/properties/p1', 'rentals'],
    ['DELETE', '/v1/properties/p1/images/i1', 'rentals'],
    ['GET', '/v1/host/properties?limit=5', 'rentals'],
    ['GET', '/v1/host/bookings?status=held', 'rentals'],
    ['GET', '/v1/host/applications?status=screened', 'rentals'],
    ['POST', '/v1/host/applications/a1/decision', 'rentals'],
    ['GET', '/v1/applications?status=approved', 'rentals'],
    ['GET', '/v1/images/p1/i1/w640.webp', 'rentals'],
    ['POST', '/v1/bookings/b1/payments', 'payments'],
    ['POST', '/v1/webhooks/stripe', 'payments'],
    ['GET', '/v1/me/notifications?limit=5', 'notifications'],
    ['GET', '/v1/me/notification-preferences', 'notifications'],
    ['PUT', '/v1/me/notification-preferences', 'notifications'],
    ['GET', '/v1/admin/deliveries?status=failed', 'notifications'],
    ['GET', '/v1/notifications/unsubscribe?token=a.b', 'notifications'],
    ['POST', '/v1/notifications/unsubscribe?token=a.b', 'notifications'],
  ])('%s %s goes to %s', async (method, path, upstream) => {
    const body = ['POST', 'PATCH', 'PUT'].includes(method) ? Buffer.from('{}') : undefined;
    const response = await send(path, {
      method,
      body,
      headers: body ? { 'content-type': 'application/json' } : {},
    });

    expect(response.status).toBe(200);
    const upstreams = { rentals, payments, notifications };
    for (const [name, fake] of Object.entries(upstreams)) {
      expect(fake.received.map((r) => `${r.method} ${r.url}`)).toEqual(
        name === upstream ? [`${method} ${path}`] : [],
      );
    }
  });

  it('leaves unknown paths to the gateway (404, nothing forwarded)', async () => {
    const response = await send('/v1/internal/admin');

    expect(response.status).toBe(404);
    expect(rentals.received).toEqual([]);
  });

  it('does not let a dot-segment climb out of a proxied prefix', async () => {
    const response = await send('/v1/properties/%2e%2e/%2e%2e/internal');

    expect(response.status).toBe(404);
    expect(rentals.received).toEqual([]);
  });
});

describe('forwarding', () => {
  it('passes path, query and the end-to-end headers, with our request id', async () => {
    const token = await tokenFor('guest');
    rentals.respondWith((_, res) => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        etag: '"p1-v3"',
        'cache-control': 'public, max-age=60',
        location: '/v1/properties/p1',
      });
      res.end('{"id":"p1"}');
    });

    const response = await send('/v1/properties/p1?include=images&q=caf%C3%A9%20loft&q=2', {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'if-none-match': '"p1-v2"',
        'x-request-id': 'req-edge-42',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        tracestate: 'vendor=1',
        cookie: 'session=secret',
        'x-debug-user': 'admin',
      },
    });

    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('{"id":"p1"}');
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      etag: '"p1-v3"',
      // The edge decides caching by route: a read with a token may be personal.
      'cache-control': 'private, no-store',
      location: '/v1/properties/p1',
    });
    const [received] = rentals.received;
    expect(received?.url).toBe('/v1/properties/p1?include=images&q=caf%C3%A9%20loft&q=2');
    expect(received?.headers).toMatchObject({
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      'if-none-match': '"p1-v2"',
      'x-request-id': 'req-edge-42',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      tracestate: 'vendor=1',
    });
    expect(received?.headers).not.toHaveProperty('cookie');
    expect(received?.headers).not.toHaveProperty('x-debug-user');
  });

  it('delivers the Stripe webhook body byte-for-byte, with its signature', async () => {
    // Odd whitespace, CRLF, a BOM-less multi-byte mix and escaped unicode: any re-serialisation shows.
    const raw = Buffer.from(
      '{\r\n  "id" : "evt_1",\t"type":"payment_intent.succeeded" ,\n "data":{"name":"Zoë 🏠 ünïcode","esc":"\\u00e9"}  }\n\n',
      'utf8',
    );

    const response = await send('/v1/webhooks/stripe', {
      method: 'POST',
      body: raw,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': 't=1700000000,v1=abc123',
      },
    });

    expect(response.status).toBe(200);
    const [received] = payments.received;
    expect(received?.body.equals(raw)).toBe(true);
    expect(received?.headers['stripe-signature']).toBe('t=1700000000,v1=abc123');
    expect(received?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it("delivers Mollie's form-encoded webhook ping untouched", async () => {
    const raw = Buffer.from('id=tr_WDqYK6vllg&testmode=1', 'utf8');

    const response = await send('/v1/webhooks/mollie', {
      method: 'POST',
      body: raw,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(response.status).toBe(200);
    const [received] = payments.received;
    expect(`${received?.method} ${received?.url}`).toBe('POST /v1/webhooks/mollie');
    expect(received?.body.equals(raw)).toBe(true);
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(rentals.received).toEqual([]);
  });

  it("keeps the gateway's own auth routes to a small body: 413 past 16 KiB", async () => {
    const payload = (padding: number) =>
      Buffer.from(
        JSON.stringify({
          email: `ann.${randomBytes(4).toString('hex')}@example.com`,
          password: 'p'.repeat(padding),
        }),
      );

    const over = await send('/v1/auth/login', {
      method: 'POST',
      body: payload(16 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    const under = await send('/v1/auth/login', {
      method: 'POST',
      body: payload(8 * 1024),
      headers: { 'content-type': 'application/json' },
    });

    expect(over.status).toBe(413);
    expect(JSON.parse(over.body.toString())).toMatchObject({ error: { code: 'payload_too_large' } });
    // Parsed, then refused by validation (the password is over 200 characters).
    expect(under.status).toBe(400);
  });

  it("refuses a form on the gateway's own routes", async () => {
    const response = await send('/v1/auth/login', {
      method: 'POST',
      body: Buffer.from('email=a%40b.c&password=x'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(response.status).toBe(415);
  });

  it('forwards stripe-signature on the webhook only', async () => {
    await send('/v1/bookings', {
      method: 'POST',
      body: Buffer.from('{}'),
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=x' },
    });

    expect(rentals.received[0]?.headers).not.toHaveProperty('stripe-signature');
  });

  it('streams a multipart image upload through unchanged', async () => {
    const file = randomBytes(200 * 1024);
    const { body, contentType } = multipart(file);

    const response = await send('/v1/properties/p1/images', {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, authorization: `Bearer ${await tokenFor('host')}` },
    });

    expect(response.status).toBe(200);
    const [received] = rentals.received;
    expect(received?.headers['content-type']).toBe(contentType);
    expect(received?.headers['content-length']).toBe(String(body.length));
    expect(received?.body.equals(body)).toBe(true);
  });

  it('refuses an upload over the limit with 413 before contacting the service', async () => {
    const { body, contentType } = multipart(randomBytes(UPLOAD_LIMIT_BYTES + 1));

    const response = await send('/v1/properties/p1/images', {
      method: 'POST',
      body,
      headers: { 'content-type': contentType },
    });

    expect(response.status).toBe(413);
    expect(JSON.parse(response.body.toString())).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(rentals.received).toEqual([]);
  });

  it('cuts a chunked upload off at the limit with 413', async () => {
    const { body, contentType } = multipart(randomBytes(UPLOAD_LIMIT_BYTES + 64 * 1024));

    const response = await send('/v1/properties/p1/images', {
      method: 'POST',
      body,
      chunked: true,
      headers: { 'content-type': contentType },
    });

    expect(response.status).toBe(413);
    expect(rentals.received.every((r) => r.body.length <= UPLOAD_LIMIT_BYTES)).toBe(true);
  });

  it('passes service errors through: status, error body and content type', async () => {
    rentals.respondWith((received, res) => {
      const [status, code] = received.url.endsWith('missing') ? [404, 'not_found'] : [409, 'booking_overlap'];
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          error: { code, message: `from rentals: ${code}`, requestId: received.headers['x-request-id'] },
        }),
      );
    });

    const missing = await send('/v1/properties/missing', { headers: { 'x-request-id': 'req-404' } });
    const overlap = await send('/v1/bookings', {
      method: 'POST',
      body: Buffer.from('{"propertyId":"p1"}'),
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-409' },
    });

    expect([missing.status, overlap.status]).toEqual([404, 409]);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(missing.body.toString())).toEqual({
      error: { code: 'not_found', message: 'from rentals: not_found', requestId: 'req-404' },
    });
    expect(JSON.parse(overlap.body.toString())).toEqual({
      error: { code: 'booking_overlap', message: 'from rentals: booking_overlap', requestId: 'req-409' },
    });
  });

  it('strips hop-by-hop headers in both directions', async () => {
    rentals.respondWith((_, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive, x-rentals-hop',
        'keep-alive': 'timeout=1234',
        'x-rentals-hop': 'secret',
        'proxy-authenticate': 'Basic realm="rentals"',
        'x-powered-by': 'rentals',
      });
      res.end('{}');
    });

    const response = await send('/v1/properties', {
      headers: {
        connection: 'keep-alive, x-client-hop, if-none-match',
        'keep-alive': 'timeout=5',
        'x-client-hop': 'secret',
        'if-none-match': '"listed-in-connection"',
        'proxy-authorization': 'Basic dXNlcjpwYXNz',
        te: 'trailers',
        accept: 'application/json',
      },
    });

    expect(response.status).toBe(200);
    const forwarded = rentals.received[0]?.headers ?? {};
    for (const name of ['x-client-hop', 'if-none-match', 'proxy-authorization', 'te']) {
      expect(forwarded).not.toHaveProperty(name);
    }
    expect(forwarded['keep-alive']).toBeUndefined();
    expect(forwarded.accept).toBe('application/json');
    for (const name of ['x-rentals-hop', 'proxy-authenticate', 'x-powered-by']) {
      expect(response.headers).not.toHaveProperty(name);
    }
    expect(response.headers['keep-alive']).not.toContain('1234');
  });

  it('stops a forged token at the gateway', async () => {
    const response = await send('/v1/bookings', { headers: { authorization: 'Bearer not.a.token' } });

    expect(response.status).toBe(401);
    expect(rentals.received).toEqual([]);
  });

  it('counts forwarded requests by service and status', async () => {
    rentals.respondWith((_, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await send('/v1/properties/nope');

    const metrics = await gateway.app.get(MetricsRegistry).render();
    expect(metrics).toMatch(/gateway_upstream_requests_total\{upstream="rentals",status_code="404"\} [1-9]/);
    expect(metrics).toMatch(
      /gateway_upstream_request_duration_seconds_count\{upstream="rentals",status_code="404"\} [1-9]/,
    );
  });
});

describe('answers at the edge', () => {
  const json = (bytes: number): string =>
    JSON.stringify({ items: [{ title: 'x'.repeat(Math.max(0, bytes - 24)) }] });

  it('carries the security headers on proxied answers and its own', async () => {
    const proxied = await send('/v1/properties/p1');
    const own = await send('/docs/openapi.json');

    for (const response of [proxied, own]) {
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      );
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('gives an HTML page a CSP that lets it load its own scripts and styles, and no frame', async () => {
    rentals.respondWith((_, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>page</title>');
    });

    const response = await send('/v1/properties/p1/page');

    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
  });

  it('serves the API reference with a CSP that allows its own inline bootstrap and nothing else inline', async () => {
    const page = await send('/docs/');
    const html = page.body.toString();
    const script = await send('/docs/js/scalar.js');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    const inline = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (m) => m[1] ?? '',
    );
    expect(inline.length).toBeGreaterThan(0);
    for (const body of inline) {
      expect(csp).toContain(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
    }
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|https?:)/);
    expect(csp).toContain("frame-ancestors 'none'");
    // The reference's script is served by the gateway itself, not a CDN.
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    // The hashes are the docs page's alone.
    expect((await send('/docs/openapi.json')).headers['content-security-policy']).not.toContain('sha256-');
  });

  it('decides Cache-Control by route: public reads, personal data, images', async () => {
    rentals.respondWith((received, res) => {
      res.writeHead(received.url.endsWith('missing') ? 404 : 200, {
        'content-type': 'application/json',
        'cache-control': 'public, max-age=999',
      });
      res.end('{}');
    });
    const token = await tokenFor('guest');

    const anonymous = await send('/v1/properties/p1');
    const signedIn = await send('/v1/properties/p1', { headers: { authorization: `Bearer ${token}` } });
    const search = await send('/v1/properties?city=Utrecht');
    const missing = await send('/v1/properties/missing');
    const bookings = await send('/v1/bookings', { headers: { authorization: `Bearer ${token}` } });
    const create = await send('/v1/properties', {
      method: 'POST',
      body: Buffer.from('{}'),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    const image = await send('/v1/images/p1/i1/w320.webp');

    expect(anonymous.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(anonymous.headers.vary).toMatch(/authorization/i);
    expect(search.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(signedIn.headers['cache-control']).toBe('private, no-store');
    expect(missing.headers['cache-control']).toBe('private, no-store');
    expect(bookings.headers['cache-control']).toBe('private, no-store');
    expect(create.headers['cache-control']).toBe('private, no-store');
    expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(image.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(anonymous.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('puts a strong ETag on public reads and answers 304 to a matching If-None-Match', async () => {
    const body = json(300);
    rentals.respondWith((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });

    const first = await send('/v1/properties/p1');
    const etag = String(first.headers.etag);
    const again = await send('/v1/properties/p1', { headers: { 'if-none-match': etag } });
    const weakForm = await send('/v1/properties/p1', { headers: { 'if-none-match': `"other", W/${etag}` } });
    const stale = await send('/v1/properties/p1', { headers: { 'if-none-match': '"other"' } });
    const signedIn = await send('/v1/properties/p1', {
      headers: { 'if-none-match': etag, authorization: `Bearer ${await tokenFor('guest')}` },
    });

    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.body.toString()).toBe(body);
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(weakForm.status).toBe(304);
    expect(stale.status).toBe(200);
    expect(stale.body.toString()).toBe(body);
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.etag).toBeUndefined();
    // The service still saw the condition: one that keeps its own validators can answer 304 itself.
    expect(rentals.received.at(-1)?.headers['if-none-match']).toBe(etag);
  });

  it("keeps a service's own ETag and answers 304 for it", async () => {
    rentals.respondWith((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"rentals-v7"' });
      res.end('{"id":"p1"}');
    });

    const response = await send('/v1/properties/p1', { headers: { 'if-none-match': '"rentals-v7"' } });

    expect(response.status).toBe(304);
    expect(response.headers.etag).toBe('"rentals-v7"');
  });

  it('compresses answers of 1 KB or more with brotli or gzip, proxied and its own, and not smaller ones', async () => {
    const big = json(4096);
    const small = json(500);
    rentals.respondWith((received, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(received.url.endsWith('small') ? small : big);
    });

    const br = await send('/v1/properties/big', { headers: { 'accept-encoding': 'br' } });
    const gzip = await send('/v1/properties/big', { headers: { 'accept-encoding': 'gzip' } });
    const none = await send('/v1/properties/big');
    const tiny = await send('/v1/properties/small', { headers: { 'accept-encoding': 'br, gzip' } });
    const docs = await send('/docs/openapi.json', { headers: { 'accept-encoding': 'gzip' } });

    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).toString()).toBe(big);
    expect(br.body.length).toBeLessThan(big.length);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(big);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.body.toString()).toBe(big);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.body.toString()).toBe(small);
    expect(docs.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(docs.body).toString())).toHaveProperty('openapi');
    // Compressed or not, one representation has one validator.
    expect(br.headers.etag).toBe(none.headers.etag);
  });

  it('streams an answer larger than it buffers, compressed', async () => {
    const large = Buffer.from(json(1_200_000));
    rentals.respondWith((_, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(large.length) });
      res.end(large);
    });

    const response = await send('/v1/properties/large', { headers: { 'accept-encoding': 'gzip' } });

    expect(response.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(response.body).equals(large)).toBe(true);
  });
});

describe('a service that is down', () => {
  it('answers 503 upstream_unavailable at once when the connection is refused', async () => {
    const down = await startGateway({
      rentals: rentals.url,
      payments: `http://127.0.0.1:${await freePort()}`,
    });
    try {
      const response = await sendTo(down, '/v1/bookings/b1/payments', 'req-down');

      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        error: {
          code: 'upstream_unavailable',
          message: 'payments is unavailable, try again shortly',
          requestId: 'req-down',
        },
      });
      expect(response.elapsedMs).toBeLessThan(2000);
    } finally {
      await down.app.close();
    }
  });

  it('answers 503 when a service accepts the connection but never answers', async () => {
    const silent = await startUpstream();
    silent.respondWith(() => undefined);
    const hung = await startGateway({ rentals: rentals.url, payments: silent.url }, 500);
    try {
      const response = await sendTo(hung, '/v1/webhooks/stripe', 'req-hung');

      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ error: { code: 'upstream_unavailable', requestId: 'req-hung' } });
      expect(silent.received).toHaveLength(1);
      expect(response.elapsedMs).toBeLessThan(2000);
    } finally {
      await hung.app.close();
      await silent.close();
    }
  });
});

describe('anonymous property reads kept at the edge', () => {
  const property =
    (title: string): Responder =>
    (received, res) => {
      if (received.url.includes('missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"not_found"}}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: received.url, title }));
    };
  const reachedRentals = (path: string) => rentals.received.filter((entry) => entry.url === path).length;

  it('answers a warm anonymous read without asking rentals; signed-in and other reads always ask', async () => {
    rentals.respondWith(property('Canal house'));
    const path = `/v1/properties/${randomUUID()}`;
    const token = await tokenFor('guest');

    const first = await send(path, { headers: { 'if-none-match': '"stale"' } });
    const warm = await send(path);
    const conditional = await send(path, { headers: { 'if-none-match': String(first.headers.etag) } });
    const signedIn = await send(path, { headers: { authorization: `Bearer ${token}` } });
    const withQuery = await send(`${path}?currency=EUR`);
    await send(`${path}?currency=EUR`);

    expect(first.status).toBe(200);
    expect(JSON.parse(warm.body.toString())).toEqual({ url: path, title: 'Canal house' });
    expect(warm.body.equals(first.body)).toBe(true);
    expect(warm.headers['content-type']).toMatch(/^application\/json/);
    expect(warm.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300');
    expect(warm.headers.etag).toBe(first.headers.etag);
    expect(conditional.status).toBe(304);
    expect(signedIn.status).toBe(200);
    expect(withQuery.status).toBe(200);
    // The fill went without the caller's condition (the entry needs the body); the rest asked rentals.
    const fills = rentals.received.filter((entry) => entry.url === path);
    expect(fills.map((entry) => entry.headers.authorization === undefined)).toEqual([true, false]);
    expect(fills[0]?.headers['if-none-match']).toBeUndefined();
    expect(reachedRentals(`${path}?currency=EUR`)).toBe(2);
  });

  it('keeps "no such property" too, and passes on a failure without keeping it', async () => {
    const missing = `/v1/properties/${randomUUID()}`;
    rentals.respondWith((received, res) => {
      if (received.url === missing) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"not_found"}}');
        return;
      }
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"internal"}}');
    });
    const failing = `/v1/properties/${randomUUID()}`;

    const absent = [await send(missing), await send(missing)];
    const failed = [await send(failing), await send(failing)];

    expect(absent.map((answer) => answer.status)).toEqual([404, 404]);
    expect(reachedRentals(missing)).toBe(1);
    expect(failed.map((answer) => answer.status)).toEqual([500, 500]);
    expect(reachedRentals(failing)).toBe(2);
  });

  it('drops the kept read on a write to the property: at once here, over the bus on another gateway', async () => {
    const id = randomUUID();
    const path = `/v1/properties/${id}`;
    const other = await startGateway({ rentals: rentals.url, payments: payments.url });
    try {
      rentals.respondWith(property('Canal house'));
      await send(path);
      const readOn = async (target: Gateway) =>
        JSON.parse((await send(path, { target })).body.toString()) as { title: string };
      expect(await readOn(other)).toEqual({ url: path, title: 'Canal house' });
      expect(reachedRentals(path)).toBe(1);

      rentals.respondWith((received, res) =>
        received.method === 'PATCH'
          ? res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
          : property('Canal loft')(received, res),
      );
      const token = await tokenFor('host');
      const edit = await send(path, {
        method: 'PATCH',
        body: Buffer.from('{"title":"Canal loft"}'),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      });
      expect(edit.status).toBe(200);

      expect(JSON.parse((await send(path)).body.toString())).toMatchObject({ title: 'Canal loft' });
      await waitUntil(async () => (await readOn(other)).title === 'Canal loft', { timeoutMs: 5_000 });
    } finally {
      await other.app.close();
    }
  });
});

async function sendTo(
  target: Gateway,
  path: string,
  requestId: string,
): Promise<{ status: number; body: unknown; elapsedMs: number }> {
  const started = Date.now();
  const response = await fetch(new URL(path, target.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: '{}',
  });
  return { status: response.status, body: await response.json(), elapsedMs: Date.now() - started };
}
