// `npm run bench`: starts the whole platform on shifted ports against a fresh database and prints
// latency/throughput figures measured in one run, so ratios compare like with like:
//   - a public read (GET /v1/properties/:id) through the gateway vs. directly on rentals;
//   - booking creation through the gateway (each request a distinct stay: real inserts);
//   - "create a booking, then immediately pay it": a guest's checkout, one after the other, timed
//     per iteration (p50/p95/p99), because the payment request is where payments meets a booking
//     it may not have heard of from Kafka yet;
//   - search at scale: 100,000 properties and 1,000,000 bookings seeded with COPY (timed, target
//     under 2 minutes), then city + dates + guests searches directly on rentals, one after the
//     other (p50/p95/p99, target p95 under 30 ms) and under load;
//   - resident memory of every app idle and after the load, and its V8 heap in use.
// Figures, not assertions: performance is reported, never asserted in tests.
//
//   npm run bench                                  every scenario, 8 s of load each
//   npm run bench -- 4                             every scenario, 4 s of load each
//   npm run bench -- --only booking-payment        one scenario (repeat --only for several)
//   npm run bench -- --only booking-payment --iterations 500
//   npm run bench -- --only search --iterations 500
//   npm run bench -- --compare                     also print each figure's ratio to the previous run
// Scenarios: property-read, booking, booking-payment, search. Every run is written as JSON to
// .cache/bench/<time>.json (git-ignored); --compare reads the newest earlier file.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { up } from '../infra/infra.mjs';
import { root } from '../dev/dev-env.mjs';
import { cityPicker, seedSearchData } from './search-seed.mjs';

const require = createRequire(import.meta.url);
const testing = require(`${root}/dist/libs/testing/platform/src/index.js`);
const { startFakeStripe } = require(`${root}/dist/libs/testing/stripe-fake/src/index.js`);

const SCENARIOS = ['property-read', 'booking', 'booking-payment', 'search'];
const args = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    iterations: { type: 'string', default: '200' },
    compare: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const unknown = (args.values.only ?? []).filter((name) => !SCENARIOS.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}\n`);
  process.exit(2);
}
const selected = new Set(args.values.only ?? SCENARIOS);
const DURATION_S = Number(args.positionals[0] ?? 8);
const ITERATIONS = Number(args.values.iterations);
const WARM_UP_ITERATIONS = 20;
const CONNECTIONS = 16;
const DATABASE = 'rentguy_bench';
// The search scenario's scale and targets (issue 7): never relaxed to make a run pass.
const SEARCH_PROPERTIES = 100_000;
const SEARCH_BOOKINGS_PER_PROPERTY = 10;
const SEARCH_CITIES = 200;
const SEED_TARGET_S = 120;
const SEARCH_P95_TARGET_MS = 30;

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

/** A host's listing, through the gateway: every scenario books the same kind of property. */
function createProperty(gateway, hostToken, title, description) {
  return json(
    `${gateway}/v1/properties`,
    'POST',
    { title, description, city: 'Utrecht', country: 'NL', nightlyPrice: 9900, currency: 'EUR', maxGuests: 2 },
    hostToken,
  );
}

/** Nearest-rank percentile of ascending `sorted` values. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function distribution(title, samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    title,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

/**
 * A guest's checkout, one iteration at a time: POST a booking, and as soon as it answers POST its
 * payment, both through the gateway. Sequential on purpose: this is one user's latency, not load.
 */
async function bookThenPay(gateway, propertyId, token, iterations, warmUp) {
  const base = Date.now() + 7 * 86_400_000;
  const post = async (path, body) => {
    const response = await fetch(`${gateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const total = [];
  const payment = [];
  const failures = new Map();
  for (let i = 0; i < warmUp + iterations; i += 1) {
    const checkIn = new Date(base + i * 2 * 86_400_000).toISOString().slice(0, 10);
    const checkOut = new Date(base + (i * 2 + 1) * 86_400_000).toISOString().slice(0, 10);
    const started = performance.now();
    const booking = await post('/v1/bookings', { propertyId, checkIn, checkOut, guests: 1 });
    if (booking.status !== 201) {
      throw new Error(`POST /v1/bookings → ${booking.status} ${JSON.stringify(booking.body)}`);
    }
    const booked = performance.now();
    const paid = await post(`/v1/bookings/${booking.body.id}/payments`, { provider: 'stripe' });
    const done = performance.now();
    if (i < warmUp) {
      continue;
    }
    if (paid.status !== 201) {
      failures.set(paid.status, (failures.get(paid.status) ?? 0) + 1);
    }
    total.push(done - started);
    payment.push(done - booked);
  }
  return {
    iterations,
    failures,
    rows: [
      distribution('booking + payment', total),
      distribution('payment (after booking answered)', payment),
    ],
  };
}

/**
 * Seeds the search data set, then times city + dates + guests searches on rentals' own port: the
 * city drawn by listing share (big cities are searched most), 2–7 nights starting within 180 days,
 * 1–4 guests. Once one at a time (a user's latency), once under load.
 */
async function searchAtScale(rentals, databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let seed;
  const started = performance.now();
  try {
    seed = await seedSearchData(client, {
      properties: SEARCH_PROPERTIES,
      bookingsPerProperty: SEARCH_BOOKINGS_PER_PROPERTY,
      cities: SEARCH_CITIES,
    });
  } finally {
    await client.end();
  }
  const seconds = (performance.now() - started) / 1000;
  let state = 42;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const pickCity = cityPicker(seed.cities, random);
  const searchPath = () => {
    const start = seed.today + (1 + Math.floor(random() * 180)) * 86_400_000;
    const nights = 2 + Math.floor(random() * 6);
    const query = new URLSearchParams({
      city: seed.cities[pickCity()].name,
      checkIn: new Date(start).toISOString().slice(0, 10),
      checkOut: new Date(start + nights * 86_400_000).toISOString().slice(0, 10),
      guests: String(1 + Math.floor(random() * 4)),
    });
    return `/v1/properties?${query}`;
  };
  const samples = [];
  let items = 0;
  for (let i = 0; i < WARM_UP_ITERATIONS + ITERATIONS; i += 1) {
    const path = searchPath();
    const t0 = performance.now();
    const response = await fetch(`${rentals}${path}`);
    const body = await response.json();
    const elapsed = performance.now() - t0;
    if (response.status !== 200) {
      throw new Error(`GET ${path} → ${response.status} ${JSON.stringify(body)}`);
    }
    if (i >= WARM_UP_ITERATIONS) {
      samples.push(elapsed);
      items += body.items.length;
    }
  }
  const underLoad = await load('search city+dates direct (rentals)', {
    url: rentals,
    requests: [{ setupRequest: (request) => ({ ...request, path: searchPath() }) }],
  });
  return {
    seed,
    seconds,
    iterations: ITERATIONS,
    meanItems: items / ITERATIONS,
    rows: [distribution('search, one at a time', samples)],
    load: underLoad,
  };
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
  LOG_LEVEL: 'warn',
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
  REDIS_URL: 'redis://127.0.0.1:6379/7',
  RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379/7',
  // Load from one address and one user: the limits stay on the path (counted in Redis) but must not
  // turn the figures into 429s.
  RATE_LIMIT_API_PER_USER: '100000000/1m',
  RATE_LIMIT_SEARCH_PER_IP: '100000000/1m',
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
// Cold start: from spawning the processes to each app's first 200 on /health/ready.
const coldStartMs = new Map();
const spawnedAt = Date.now();
const watchingStart = (async () => {
  while (coldStartMs.size < testing.APP_NAMES.length && Date.now() - spawnedAt < 120_000) {
    await Promise.all(
      testing.APP_NAMES.filter((name) => !coldStartMs.has(name)).map(async (name) => {
        try {
          const answer = await fetch(`http://127.0.0.1:${ports[name].opsPort}/health/ready`);
          if (answer.status === 200) {
            coldStartMs.set(name, Date.now() - spawnedAt);
          }
        } catch {
          // not listening yet
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();
const platform = await testing.startPlatform({ root, env, ports });
await watchingStart;
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
  const property = await createProperty(gateway, host.accessToken, 'Bench house', 'For load');
  const path = `/v1/properties/${property.id}`;
  // Warm up both paths (JIT, pools) before measuring.
  await load('warm-up', { url: `${gateway}${path}`, duration: 2 });

  const results = [];
  if (selected.has('property-read')) {
    results.push(await load('GET property via gateway', { url: `${gateway}${path}` }));
    results.push(await load('GET property direct (rentals)', { url: `${rentals}${path}` }));
  }

  if (selected.has('booking')) {
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
  }

  let checkout;
  if (selected.has('booking-payment')) {
    // Its own property, so its stays never collide with the booking scenario's.
    const checkoutProperty = await createProperty(
      gateway,
      host.accessToken,
      'Bench checkout house',
      'For booking then paying',
    );
    checkout = await bookThenPay(
      gateway,
      checkoutProperty.id,
      guest.accessToken,
      ITERATIONS,
      WARM_UP_ITERATIONS,
    );
  }

  let searchRun;
  if (selected.has('search')) {
    searchRun = await searchAtScale(rentals, env.DATABASE_URL);
    results.push(searchRun.load);
  }

  process.stdout.write(`\nRentGuy benchmark — one run (${[...selected].join(', ')})\n`);
  if (results.length > 0) {
    process.stdout.write(`\n${DURATION_S}s per load scenario, ${CONNECTIONS} connections\n\n`);
    process.stdout.write(
      `${'scenario'.padEnd(34)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'requests'.padStart(9)} ${'non-2xx'.padStart(8)}\n`,
    );
    for (const r of results) {
      process.stdout.write(
        `${r.title.padEnd(34)} ${r.rps.toFixed(0).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.total).padStart(9)} ${String(r.non2xx).padStart(8)}\n`,
      );
    }
  }
  if (selected.has('property-read')) {
    const [viaGateway, direct] = results;
    process.stdout.write(
      `\ngateway overhead: throughput ${(viaGateway.rps / direct.rps).toFixed(2)}× of direct, p50 latency ${(viaGateway.p50 / Math.max(direct.p50, 0.001)).toFixed(2)}× of direct\n`,
    );
  }
  if (checkout) {
    process.stdout.write(
      `\nbook then pay immediately, via gateway — ${checkout.iterations} iterations one after the other (after ${WARM_UP_ITERATIONS} untimed)\n\n`,
    );
    process.stdout.write(
      `${'latency'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}\n`,
    );
    for (const r of checkout.rows) {
      process.stdout.write(
        `${r.title.padEnd(34)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}\n`,
      );
    }
    const failed = [...checkout.failures].map(([status, n]) => `${n}× ${status}`).join(', ');
    process.stdout.write(`payments not answered 201: ${failed || 'none'}\n`);
    // How many payments found their booking not yet projected and read it from rentals.
    const metrics = await (await fetch(`http://127.0.0.1:${ports.payments.opsPort}/metrics`)).text();
    const readThroughs = [
      ...metrics.matchAll(/^payment_booking_read_throughs_total\{outcome="(\w+)"\} (\d+)/gm),
    ];
    process.stdout.write(
      `booking reads from rentals (incl. warm-up): ${readThroughs.map(([, outcome, n]) => `${outcome} ${n}`).join(', ') || 'none'}\n`,
    );
  }
  if (searchRun) {
    const { seed, rows, seconds } = searchRun;
    const met = (ok) => (ok ? 'met' : 'MISSED');
    process.stdout.write(
      `\nsearch at scale — ${SEARCH_PROPERTIES.toLocaleString('en')} properties in ${SEARCH_CITIES} cities, ${(SEARCH_PROPERTIES * SEARCH_BOOKINGS_PER_PROPERTY).toLocaleString('en')} bookings\n`,
    );
    process.stdout.write(
      `seed with COPY: ${seconds.toFixed(1)} s (properties ${(seed.timings.properties / 1000).toFixed(1)} s, bookings ${(seed.timings.bookings / 1000).toFixed(1)} s, analyze ${(seed.timings.analyze / 1000).toFixed(1)} s) — target < ${SEED_TARGET_S} s: ${met(seconds < SEED_TARGET_S)}\n`,
    );
    process.stdout.write(
      `city + dates + guests, direct on rentals, ${searchRun.iterations} searches one after the other (after ${WARM_UP_ITERATIONS} untimed), ${searchRun.meanItems.toFixed(1)} results per page on average\n\n`,
    );
    process.stdout.write(
      `${'latency'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}\n`,
    );
    for (const r of rows) {
      process.stdout.write(
        `${r.title.padEnd(34)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}\n`,
      );
    }
    process.stdout.write(
      `target p95 < ${SEARCH_P95_TARGET_MS} ms: ${met(rows[0].p95 < SEARCH_P95_TARGET_MS)}\n`,
    );
  }
  process.stdout.write(
    `\n${'memory (MB), start'.padEnd(20)} ${'RSS idle'.padStart(9)} ${'RSS after'.padStart(10)} ${'heap used after'.padStart(16)} ${'cold start ms'.padStart(14)}\n`,
  );
  const figures = {};
  for (const r of results) {
    figures[`${r.title} req/s`] = r.rps;
    figures[`${r.title} p50 ms`] = r.p50;
    figures[`${r.title} p99 ms`] = r.p99;
  }
  for (const r of checkout?.rows ?? []) {
    figures[`${r.title} p99 ms`] = r.p99;
  }
  for (const r of searchRun?.rows ?? []) {
    figures[`${r.title} p95 ms`] = r.p95;
  }
  if (searchRun) {
    figures['search seed s'] = searchRun.seconds;
  }
  for (const app of platform.apps) {
    const metrics = await (await fetch(`http://127.0.0.1:${app.ports.opsPort}/metrics`)).text();
    const heapUsed = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN) / 1024 / 1024;
    const after = rssMb(app.process.pid);
    figures[`${app.name} RSS idle MB`] = idleRss.get(app.name);
    figures[`${app.name} RSS after MB`] = after;
    figures[`${app.name} cold start ms`] = coldStartMs.get(app.name) ?? NaN;
    process.stdout.write(
      `  ${app.name.padEnd(18)} ${idleRss.get(app.name).toFixed(0).padStart(9)} ${after.toFixed(0).padStart(10)} ${heapUsed.toFixed(0).padStart(16)} ${String(coldStartMs.get(app.name) ?? '?').padStart(14)}\n`,
    );
  }
  const dir = join(root, '.cache', 'bench');
  mkdirSync(dir, { recursive: true });
  const earlier = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const file = join(dir, `${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ at: new Date().toISOString(), scenarios: [...selected], durationS: DURATION_S, figures }, null, 2)}\n`,
  );
  process.stdout.write(`\nfigures written to ${file.slice(root.length + 1)}\n`);
  if (args.values.compare) {
    const previous = earlier.at(-1);
    if (!previous) {
      process.stdout.write('no earlier run to compare with\n');
    } else {
      const before = JSON.parse(readFileSync(join(dir, previous), 'utf8')).figures;
      process.stdout.write(`\ncompared with ${previous} (this run ÷ that run)\n`);
      for (const [name, value] of Object.entries(figures)) {
        if (typeof before[name] === 'number' && before[name] !== 0) {
          process.stdout.write(`  ${name.padEnd(48)} ${(value / before[name]).toFixed(2)}×\n`);
        }
      }
    }
  }
} finally {
  await platform.stop();
  await stripe.close();
  await mail.close();
}
