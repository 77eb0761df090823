// `npm run bench`: starts the whole platform on shifted ports against a fresh database and prints
// latency/throughput figures measured in one run, so ratios compare like with like:
//   - a public read (GET /v1/properties/:id) through the gateway vs. directly on rentals;
//   - booking creation through the gateway (each request a distinct stay: real inserts);
//   - resident memory of every app idle and after the load, and its V8 heap in use.
// Figures, not assertions: performance is reported, never asserted in tests.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { up } from '../infra/infra.mjs';
import { root } from '../dev/dev-env.mjs';

const require = createRequire(import.meta.url);
const testing = require(`${root}/dist/libs/platform/testing/src/index.js`);
const { startFakeStripe } = require(`${root}/dist/libs/payments/stripe-fake/src/index.js`);

const DURATION_S = Number(process.argv[2] ?? 8);
const CONNECTIONS = 16;
const DATABASE = 'rentguy_bench';

async function freshDatabase() {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
  await up({ extraDatabases: [DATABASE], logger: { log: () => undefined } });
}

function load(title, options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (error, result) => {
      if (error) {
        reject(error);
        return;
      }
      const non2xx = result.non2xx + result.errors;
      resolve({
        title,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        total: result.requests.total,
        non2xx,
      });
    });
  });
}

async function json(url, method, body, token) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${url} → ${response.status} ${await response.text()}`);
  }
  return response.json();
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

await freshDatabase();
const ports = testing.shiftedPorts(20_000);
const mail = await testing.startMailCatcher({ smtpPort: 0, httpPort: 0 });
const stripe = await startFakeStripe({
  port: 0,
  webhookUrl: `http://127.0.0.1:${ports.gateway.port}/v1/webhooks/stripe`,
  webhookSecret: 'whsec_bench',
});
const env = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
  REDIS_URL: 'redis://127.0.0.1:6379/7',
  CACHE_REDIS_URL: 'redis://127.0.0.1:6379/8',
  KAFKA_GROUP_PREFIX: 'bench-',
  JWT_KEYS: 'bench-1:bench-signing-secret-with-at-least-32-chars',
  STRIPE_SECRET_KEY: 'sk_test_bench',
  STRIPE_WEBHOOK_SECRET: 'whsec_bench',
  STRIPE_API_BASE_URL: stripe.url,
  SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
  BLOB_STORAGE_DIR: join(root, '.cache', 'bench-blobs'),
  SHUTDOWN_DRAIN_DELAY_MS: '0',
};
await testing.migrateAll(root, env);
const platform = await testing.startPlatform({ root, env, ports });
// Resident memory once every app is ready and idle, to compare with the figure after load.
const idleRss = new Map();
await new Promise((resolve) => setTimeout(resolve, 2000));
for (const app of platform.apps) {
  idleRss.set(app.name, rssMb(app.process.pid));
}
try {
  const gateway = `http://127.0.0.1:${ports.gateway.port}`;
  const rentals = `http://127.0.0.1:${ports.rentals.port}`;
  const password = 'benchmark password 123';
  const host = await json(`${gateway}/v1/auth/register`, 'POST', {
    email: `host-${Date.now()}@bench.test`,
    password,
    name: 'Bench Host',
    role: 'host',
  });
  const guest = await json(`${gateway}/v1/auth/register`, 'POST', {
    email: `guest-${Date.now()}@bench.test`,
    password,
    name: 'Bench Guest',
    role: 'guest',
  });
  const property = await json(
    `${gateway}/v1/properties`,
    'POST',
    {
      title: 'Bench house',
      description: 'For load',
      city: 'Utrecht',
      country: 'NL',
      nightlyPrice: 9900,
      currency: 'EUR',
      maxGuests: 2,
    },
    host.accessToken,
  );
  const path = `/v1/properties/${property.id}`;
  // Warm up both paths (JIT, pools) before measuring.
  await load('warm-up', { url: `${gateway}${path}`, duration: 2 });

  const results = [];
  results.push(await load('GET property via gateway', { url: `${gateway}${path}` }));
  results.push(await load('GET property direct (rentals)', { url: `${rentals}${path}` }));

  let day = 0;
  const base = Date.now() + 7 * 86_400_000;
  results.push(
    await load('POST booking via gateway', {
      url: `${gateway}/v1/bookings`,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.accessToken}` },
      requests: [
        {
          setupRequest: (request) => {
            const checkIn = new Date(base + day * 2 * 86_400_000).toISOString().slice(0, 10);
            const checkOut = new Date(base + (day * 2 + 1) * 86_400_000).toISOString().slice(0, 10);
            day += 1;
            return {
              ...request,
              body: JSON.stringify({ propertyId: property.id, checkIn, checkOut, guests: 1 }),
            };
          },
        },
      ],
    }),
  );

  const [viaGateway, direct] = results;
  process.stdout.write(
    `\nRentGuy benchmark — ${DURATION_S}s per scenario, ${CONNECTIONS} connections, one run\n\n`,
  );
  process.stdout.write(
    `${'scenario'.padEnd(34)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'requests'.padStart(9)} ${'non-2xx'.padStart(8)}\n`,
  );
  for (const r of results) {
    process.stdout.write(
      `${r.title.padEnd(34)} ${r.rps.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.total).padStart(9)} ${String(r.non2xx).padStart(8)}\n`,
    );
  }
  process.stdout.write(
    `\ngateway overhead: throughput ${(viaGateway.rps / direct.rps).toFixed(2)}× of direct, p50 latency ${(viaGateway.p50 / Math.max(direct.p50, 0.001)).toFixed(2)}× of direct\n`,
  );
  process.stdout.write(
    `\n${'memory (MB)'.padEnd(20)} ${'RSS idle'.padStart(9)} ${'RSS after'.padStart(10)} ${'heap used after'.padStart(16)}\n`,
  );
  for (const app of platform.apps) {
    const metrics = await (await fetch(`http://127.0.0.1:${app.ports.opsPort}/metrics`)).text();
    const heapUsed = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN) / 1024 / 1024;
    process.stdout.write(
      `  ${app.name.padEnd(18)} ${idleRss.get(app.name).toFixed(0).padStart(9)} ${rssMb(app.process.pid).toFixed(0).padStart(10)} ${heapUsed.toFixed(0).padStart(16)}\n`,
    );
  }
} finally {
  await platform.stop();
  await stripe.close();
  await mail.close();
}
