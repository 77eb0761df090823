// `npm run bench`: starts the whole platform on shifted ports against a fresh database and prints
// latency/throughput figures measured in one run, so ratios compare like with like. Tracing is on
// and exported (to a sink that discards spans), sampled as helm/rentguy/values-prod.yaml samples it.
// Scenarios (issue 11 §3):
//   property-read    P1  GET /v1/properties/:id through the gateway vs. directly on rentals
//   booking          P2  POST /v1/bookings through the gateway, each request a distinct stay, over 20 listings
//   contention       P2b 500 simultaneous bookings of one stay: exactly one may win
//   booking-payment      a guest's checkout (book, then pay at once), one iteration at a time
//   webhooks         P3  Stripe (verify + inbox + 200) and Mollie (inbox + 200) at 16 and 64 connections
//   images           P5  photos through upload + queue + image-worker vs. a raw sharp loop (the worker's window,
//                        and end to end)
//   search           P8  100,000 properties and 1,000,000 bookings seeded with COPY, then searches
//   cache                the read cache's hit ratio under a read mix over that data set (seeds it if needed)
//   telemetry        P6  P1's and P2's load on a fresh platform sampled as in production, with every trace, and with
//                        tracing off (OTEL_SDK_DISABLED), the three taking turns for 3 rounds; throughput and the
//                        platform's CPU time per request
//   email                booking.confirmed → SMTP accepted: paid checkouts, each confirmation email timed
// and for every app its resident memory idle and after the load (P7), and its cold start alone and
// with all six starting at once (P7b).
// Figures, not assertions: performance is reported, never asserted in tests.
//
//   npm run bench                                  every scenario, 8 s of load each
//   npm run bench -- 4                             every scenario, 4 s of load each
//   npm run bench -- --only booking-payment        one scenario (repeat --only for several)
//   npm run bench -- --only search --iterations 500
//   npm run bench -- --compare                     also print each figure's ratio to the previous run
//   npm run bench -- --profile                     CPU profiles of the gateway, rentals, payments and notifications (.cpuprofile)
// Every run is written as JSON to .cache/bench/<time>.json (git-ignored); --compare reads the newest
// earlier file; --profile writes to .cache/bench/profiles/<time>/<app>/ (open in Chrome DevTools).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { up } from '../infra/infra.mjs';
import { root } from '../dev/dev-env.mjs';
import { newJwtKeyPair, publicKeysDocument } from '../dev/jwt-keys.mjs';
import { cacheReadMix } from './cache-mix.mjs';
import { oneStayContention } from './contention.mjs';
import { benchPhotos, platformPipeline, rawSharpLoop } from './images.mjs';
import { DEFAULT_CONNECTIONS, distribution, json, load, met } from './measure.mjs';
import { cityPicker, prng, seedSearchData } from './search-seed.mjs';
import { webhookIngest } from './webhooks.mjs';
import { bookingConfirmedToSmtp } from './email.mjs';

const require = createRequire(import.meta.url);
const testing = require(`${root}/dist/libs/testing/platform/src/index.js`);
const { startFakeStripe } = require(`${root}/dist/libs/testing/stripe-fake/src/index.js`);

const SCENARIOS = [
  'property-read',
  'booking',
  'contention',
  'booking-payment',
  'webhooks',
  'images',
  'search',
  'cache',
  'telemetry',
  'email',
];
const args = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    iterations: { type: 'string', default: '200' },
    compare: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
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
const DATABASE = 'rentguy_bench';
const RUN_AT = new Date().toISOString().replaceAll(':', '-');
// Targets (issue 11 §3, issues 6, 7 and 9): printed beside the figures, never relaxed to make a run pass.
const TARGETS = {
  readRps: 10_000,
  readP50Ratio: 1.2,
  bookingP99Ms: 25,
  bookingRps: 200,
  webhookRps: 1_500,
  webhookP99Ms: 50,
  imageRatio: 0.9,
  cacheHitRatio: 0.85,
  telemetryCost: 0.1,
  rssIdleMb: 150,
  rssAfterMb: 250,
  coldStartMs: 3_000,
  emailP99Ms: 1_000,
};
/** Confirmations the email scenario times, and how many payments succeed per second. */
const EMAIL_CONFIRMATIONS = 100;
const EMAIL_PER_SECOND = 10;
// The search scenario's scale and targets (issue 7).
const SEARCH_PROPERTIES = 100_000;
const SEARCH_BOOKINGS_PER_PROPERTY = 10;
const SEARCH_CITIES = 200;
const SEED_TARGET_S = 120;
const SEARCH_P95_TARGET_MS = 30;
const CONTENTION_ATTEMPTS = 500;
const PHOTOS = 16;
const WEBHOOK_CONNECTIONS = [16, 64];
// P6 measures each tracing phase this many times, the phases taking turns.
const TELEMETRY_ROUNDS = 3;

// Traces are sampled as the production values sample them (P6 also measures every trace recorded).
const PRODUCTION_SAMPLE_RATIO = String(
  parseYaml(readFileSync(join(root, 'helm', 'rentguy', 'values-prod.yaml'), 'utf8')).config
    .TRACES_SAMPLE_RATIO,
);

const out = (line = '') => process.stdout.write(`${line}\n`);
const pad = (value, width, digits = 1) =>
  (typeof value === 'number' ? value.toFixed(digits) : String(value ?? '?')).padStart(width);

async function freshDatabase() {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();
  await up({ extraDatabases: [DATABASE], logger: { log: () => undefined } });
}

/**
 * One row from the same load's rows of several rounds: throughput and CPU time per request over
 * all of their requests, and the median of their p50s and of their p99s.
 */
function together(rows) {
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const total = rows.reduce((sum, r) => sum + r.total, 0);
  const seconds = rows.reduce((sum, r) => sum + r.total / Math.max(r.rps, 1e-9), 0);
  const cpuUs = rows.reduce((sum, r) => sum + r.cpuUsPerRequest * r.total, 0);
  return {
    ...rows[0],
    rps: total / seconds,
    p50: median(rows.map((r) => r.p50)),
    p99: median(rows.map((r) => r.p99)),
    total,
    non2xx: rows.reduce((sum, r) => sum + r.non2xx, 0),
    cpuUsPerRequest: cpuUs / Math.max(total, 1),
  };
}

/** The fake Mollie in its own process (tools/bench/mollie-process.mjs): its URL, and how to stop it. */
async function startMollieProcess() {
  const child = spawn(process.execPath, [join(root, 'tools', 'bench', 'mollie-process.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  const { apiUrl } = JSON.parse(line);
  const exited = once(child, 'exit');
  return {
    apiUrl,
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** An OTLP/HTTP endpoint that accepts and discards spans: the export costs what it costs in production. */
async function startSpanSink() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A host's listing, through the gateway: every scenario books the same kind of property. */
function createProperty(gateway, hostToken, title) {
  return json(
    `${gateway}/v1/properties`,
    'POST',
    {
      title,
      description: 'For load',
      city: 'Utrecht',
      country: 'NL',
      nightlyPrice: 9900,
      currency: 'EUR',
      maxGuests: 2,
    },
    hostToken,
  );
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * Distinct one-night stays, starting a week from now, two days apart, taking the listings in turn:
 * bookings arrive spread over many listings, as they do in production (one listing's own contention
 * is P2b's subject; its calendar lock serializes its bookings by design).
 */
function distinctStays(propertyIds) {
  let next = 0;
  const base = Date.now() + 7 * 86_400_000;
  return () => {
    const propertyId = propertyIds[next % propertyIds.length];
    const day = Math.floor(next / propertyIds.length);
    next += 1;
    const checkIn = isoDay(base + day * 2 * 86_400_000);
    const checkOut = isoDay(base + (day * 2 + 1) * 86_400_000);
    return { body: JSON.stringify({ propertyId, checkIn, checkOut, guests: 1 }) };
  };
}

/** Listings P2 books, in turn. */
const BOOKING_LISTINGS = 20;

function createListings(gateway, hostToken, title) {
  return Promise.all(
    Array.from({ length: BOOKING_LISTINGS }, (_, i) =>
      createProperty(gateway, hostToken, `${title} ${i + 1}`),
    ),
  );
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
    const checkIn = isoDay(base + i * 2 * 86_400_000);
    const checkOut = isoDay(base + (i * 2 + 1) * 86_400_000);
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
  const random = prng(42);
  const pickCity = cityPicker(seed.cities, random);
  const searchPath = () => {
    const start = seed.today + (1 + Math.floor(random() * 180)) * 86_400_000;
    const nights = 2 + Math.floor(random() * 6);
    const query = new URLSearchParams({
      city: seed.cities[pickCity()].name,
      checkIn: isoDay(start),
      checkOut: isoDay(start + nights * 86_400_000),
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
    durationS: DURATION_S,
    url: rentals,
    next: () => ({ path: searchPath() }),
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

/** CPU time (user + system) the processes have used so far, in milliseconds (clock ticks of 10 ms). */
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/**
 * Waits (20 s at most) until the processes together use under 30% of a core for half a second:
 * what earlier loads left to do is done (the six apps idle at about 15%: polls, relays, metrics).
 */
async function settled(pids) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const before = cpuMs(pids);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (cpuMs(pids) - before <= 150) {
      return;
    }
  }
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Starts the platform (or `only` some apps) and times each app from spawn to its first 200 on /health/ready. */
async function startTimed(env, ports, nodeArgs, only = testing.APP_NAMES) {
  const coldStartMs = new Map();
  const spawnedAt = Date.now();
  let watching = true;
  const watcher = (async () => {
    while (watching && coldStartMs.size < only.length && Date.now() - spawnedAt < 120_000) {
      await Promise.all(
        only
          .filter((name) => !coldStartMs.has(name))
          .map(async (name) => {
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
  try {
    return { platform: await testing.startPlatform({ root, env, ports, nodeArgs, only }), coldStartMs };
  } finally {
    await watcher;
    watching = false;
  }
}

/** A host and `guests` guests, registered through the gateway. */
async function register(gateway, guests) {
  const password = 'benchmark password 123';
  const stamp = Date.now();
  const account = (role, i) =>
    json(`${gateway}/v1/auth/register`, 'POST', {
      email: `${role}-${i}-${stamp}@bench.test`,
      password,
      name: `Bench ${role} ${i}`,
      role,
    });
  const host = await account('host', 0);
  const guestList = [];
  for (let i = 0; i < guests; i += 1) {
    guestList.push(await account('guest', i));
  }
  return { host, guests: guestList };
}

await freshDatabase();
const ports = testing.shiftedPorts(20_000);
const mail = await testing.startMailCatcher({ smtpPort: 0, httpPort: 0 });
const spans = await startSpanSink();
const webhookSecret = 'whsec_bench';
const stripe = await startFakeStripe({
  port: 0,
  webhookUrl: `http://127.0.0.1:${ports.gateway.port}/v1/webhooks/stripe`,
  webhookSecret,
});
const mollie = await startMollieProcess();
const jwt = newJwtKeyPair('bench-1');
const env = {
  LOG_LEVEL: 'warn',
  DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
  REDIS_URL: 'redis://127.0.0.1:6379/7',
  RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379/7',
  CACHE_REDIS_URL: 'redis://127.0.0.1:6379/7',
  CACHE_NAMESPACE: `bench-${RUN_AT}`,
  // Load from one address and one user: the limits stay on the path (counted in Redis) but must not
  // turn the figures into 429s.
  RATE_LIMIT_API_PER_USER: '100000000/1m',
  RATE_LIMIT_SEARCH_PER_IP: '100000000/1m',
  KAFKA_GROUP_PREFIX: 'bench-',
  JWT_SIGNING_KEY: jwt.signingKey,
  JWT_PUBLIC_KEYS: publicKeysDocument(jwt.publicJwk),
  STRIPE_SECRET_KEY: 'sk_test_bench',
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  STRIPE_API_BASE_URL: stripe.url,
  MOLLIE_API_KEY: 'test_benchFakeMollieKey000000000',
  MOLLIE_API_BASE_URL: mollie.apiUrl,
  SMTP_URL: `smtp://127.0.0.1:${mail.smtpPort}`,
  BLOB_STORAGE_DIR: join(root, '.cache', 'bench-blobs'),
  SHUTDOWN_DRAIN_DELAY_MS: '0',
  OTEL_EXPORTER_OTLP_ENDPOINT: spans.url,
  TRACES_SAMPLE_RATIO: PRODUCTION_SAMPLE_RATIO,
};
const profileDir = join(root, '.cache', 'bench', 'profiles', RUN_AT);
/** The apps the load goes through: the edge, the listings and bookings, webhook ingest, and the emails a booking causes. */
const PROFILED_APPS = ['gateway', 'rentals', 'payments', 'notifications'];
const nodeArgs = args.values.profile
  ? Object.fromEntries(
      PROFILED_APPS.map((app) => [app, ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, app)}`]]),
    )
  : undefined;
await testing.migrateAll(root, env);
// P7b: each app's cold start on its own (as a pod starts, with its own share of a node), then the
// six at once on this machine's two cores, which is what `npm start` waits for.
const aloneStartMs = new Map();
for (const name of testing.APP_NAMES) {
  const alone = await startTimed(env, ports, undefined, [name]);
  aloneStartMs.set(name, alone.coldStartMs.get(name));
  await alone.platform.stop();
}
let { platform, coldStartMs } = await startTimed(env, ports, nodeArgs);
// Resident memory once every app is ready and idle, to compare with the figure after load.
const idleRss = new Map();
await new Promise((resolve) => setTimeout(resolve, 2000));
for (const app of platform.apps) {
  idleRss.set(app.name, rssMb(app.process.pid));
}
const gateway = `http://127.0.0.1:${ports.gateway.port}`;
const rentals = `http://127.0.0.1:${ports.rentals.port}`;
const results = [];
const report = {};
const figures = {};
try {
  const { host, guests } = await register(gateway, 20);
  const guest = guests[0];
  const property = await createProperty(gateway, host.accessToken, 'Bench house');
  const readPath = `/v1/properties/${property.id}`;
  // Warm up both paths (JIT, pools) before measuring.
  await load('warm-up', { durationS: 2, url: `${gateway}${readPath}` });

  // P1 is the anonymous read (the gateway answers it from its edge cache when warm); the signed-in
  // read of the same page always goes through to rentals, so it shows what the hop itself costs.
  // The platform's CPU time per request (all six apps, what the request causes downstream included)
  // beside each row's throughput, measured once what earlier loads left to do (emails, events) is
  // done: a figure that stays comparable between phases when the machine's other load shifts the
  // throughput.
  const withCpu = async (loading) => {
    const pids = platform.apps.map((app) => app.process.pid);
    await settled(pids);
    const before = cpuMs(pids);
    const row = await loading();
    return { ...row, cpuUsPerRequest: ((cpuMs(pids) - before) * 1000) / Math.max(row.total, 1) };
  };
  const readLoad = async (label) => [
    await withCpu(() =>
      load(`GET property via gateway${label}`, { durationS: DURATION_S, url: `${gateway}${readPath}` }),
    ),
    await withCpu(() =>
      load(`GET property direct (rentals)${label}`, {
        durationS: DURATION_S,
        url: `${rentals}${readPath}`,
      }),
    ),
    await withCpu(() =>
      load(`GET property via gateway, signed in${label}`, {
        durationS: DURATION_S,
        url: `${gateway}${readPath}`,
        headers: { authorization: `Bearer ${guest.accessToken}` },
      }),
    ),
    await withCpu(() =>
      load(`GET property direct, signed in${label}`, {
        durationS: DURATION_S,
        url: `${rentals}${readPath}`,
        headers: { authorization: `Bearer ${guest.accessToken}` },
      }),
    ),
  ];
  // As fast as it goes (P6 compares throughput), or at a fixed rate (P2: the p99 at 200 req/s).
  const bookingLoad = async (label, propertyIds, rate) =>
    withCpu(() =>
      load(`POST booking via gateway${label}${rate ? ` at ${rate} req/s` : ''}`, {
        durationS: DURATION_S,
        ...(rate && { rate }),
        url: `${gateway}/v1/bookings`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${guest.accessToken}` },
        next: distinctStays(propertyIds),
      }),
    );

  if (selected.has('property-read')) {
    report.read = await readLoad('');
    results.push(...report.read);
  }
  if (selected.has('booking')) {
    const listings = await createListings(gateway, host.accessToken, 'Bench listing');
    report.booking = await bookingLoad(
      '',
      listings.map((listing) => listing.id),
      TARGETS.bookingRps,
    );
    results.push(report.booking);
  }
  if (selected.has('contention')) {
    const contested = await createProperty(gateway, host.accessToken, 'Bench contested house');
    const checkIn = isoDay(Date.now() + 30 * 86_400_000);
    const checkOut = isoDay(Date.now() + 33 * 86_400_000);
    report.contention = await oneStayContention({
      gateway,
      propertyId: contested.id,
      tokens: guests.map((g) => g.accessToken),
      attempts: CONTENTION_ATTEMPTS,
      checkIn,
      checkOut,
    });
  }
  if (selected.has('booking-payment')) {
    // Its own property, so its stays never collide with the booking scenario's.
    const checkoutProperty = await createProperty(gateway, host.accessToken, 'Bench checkout house');
    report.checkout = await bookThenPay(
      gateway,
      checkoutProperty.id,
      guest.accessToken,
      ITERATIONS,
      WARM_UP_ITERATIONS,
    );
  }
  if (selected.has('webhooks')) {
    report.webhooks = await webhookIngest({
      gateway,
      stripeSecret: webhookSecret,
      databaseUrl: env.DATABASE_URL,
      connections: WEBHOOK_CONNECTIONS,
      durationS: DURATION_S,
      expectedRate: TARGETS.webhookRps * 2,
    });
    results.push(...report.webhooks);
  }
  if (selected.has('images')) {
    const photos = await benchPhotos(PHOTOS);
    const gallery = await createProperty(gateway, host.accessToken, 'Bench gallery house');
    // The worker's own defaults (image-worker config): the raw loop works under the same settings.
    const settings = { concurrency: 2, quality: 80, limitInputPixels: 50_000_000 };
    report.images = {
      photos: PHOTOS,
      bytes: photos.reduce((sum, photo) => sum + photo.length, 0),
      raw: await rawSharpLoop(photos, settings),
      platform: await platformPipeline(photos, {
        gateway,
        propertyId: gallery.id,
        hostToken: host.accessToken,
        databaseUrl: env.DATABASE_URL,
      }),
    };
  }
  if (selected.has('email')) {
    const inn = await createProperty(gateway, host.accessToken, 'Bench confirmation house');
    report.email = await bookingConfirmedToSmtp({
      gateway,
      propertyId: inn.id,
      guestToken: guest.accessToken,
      guestEmail: guest.user.email,
      stripe,
      mail,
      databaseUrl: env.DATABASE_URL,
      iterations: EMAIL_CONFIRMATIONS,
      perSecond: EMAIL_PER_SECOND,
    });
  }
  if (selected.has('search') || selected.has('cache')) {
    report.search = await searchAtScale(rentals, env.DATABASE_URL);
    if (selected.has('search')) {
      results.push(report.search.load);
    }
  }
  if (selected.has('cache')) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    // Seeded: every run reads the same mix.
    const random = prng(7);
    try {
      report.cache = await cacheReadMix({
        rentals,
        rentalsOps: `http://127.0.0.1:${ports.rentals.opsPort}`,
        client,
        seed: report.search.seed,
        durationS: DURATION_S,
        random,
      });
    } finally {
      await client.end();
    }
    results.push(report.cache.row);
  }
  // Memory after the load, then (P6) the same loads on a platform without tracing.
  report.memory = [];
  for (const app of platform.apps) {
    const metrics = await (await fetch(`http://127.0.0.1:${app.ports.opsPort}/metrics`)).text();
    report.memory.push({
      app: app.name,
      idle: idleRss.get(app.name),
      after: rssMb(app.process.pid),
      heapUsed: Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN) / 1024 / 1024,
      // Buffers and other memory V8 tracks outside its heap (socket and query buffers, sharp's images).
      external: Number(/^nodejs_external_memory_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN) / 1024 / 1024,
      coldStart: aloneStartMs.get(app.name),
      coldStartTogether: coldStartMs.get(app.name),
    });
  }
  if (selected.has('telemetry')) {
    // Each phase on a freshly started platform, warmed up on every path it measures: the three
    // differ in tracing only (not in what the earlier scenarios left in caches, heaps and queues).
    const phase = async (label, phaseEnv) => {
      await platform.stop();
      ({ platform } = await startTimed(phaseEnv, ports));
      for (const url of [`${gateway}${readPath}`, `${rentals}${readPath}`]) {
        await load('warm-up', { durationS: 1, url });
        await load('warm-up', {
          durationS: 1,
          url,
          headers: { authorization: `Bearer ${guest.accessToken}` },
        });
      }
      const fresh = await createListings(gateway, host.accessToken, `Bench listing${label}`);
      return [
        ...(await readLoad(label)),
        await bookingLoad(
          label,
          fresh.map((listing) => listing.id),
        ),
      ];
    };
    // The phases take turns, round after round, so that a machine whose speed drifts over the
    // minutes this takes slows each of them alike; each figure is the rounds' together.
    const { OTEL_EXPORTER_OTLP_ENDPOINT: _exported, ...untraced } = env;
    const phases = [
      ['on', ', tracing on', env],
      ['every', ', every trace', { ...env, TRACES_SAMPLE_RATIO: '1' }],
      ['off', ', tracing off', { ...untraced, OTEL_SDK_DISABLED: 'true' }],
    ];
    const rounds = { on: [], every: [], off: [] };
    for (let round = 0; round < TELEMETRY_ROUNDS; round += 1) {
      for (const [key, label, phaseEnv] of phases) {
        rounds[key].push(await phase(label, phaseEnv));
      }
    }
    const { on, every, off } = Object.fromEntries(
      Object.entries(rounds).map(([key, rows]) => [
        key,
        rows[0].map((_, i) => together(rows.map((r) => r[i]))),
      ]),
    );
    report.telemetry = { on, every, off };
    results.push(...on, ...every, ...off);
  }
} finally {
  await platform.stop();
  await Promise.all([stripe.close(), mollie.close(), mail.close(), spans.close()]);
}

out(`\nRentGuy benchmark — one run (${[...selected].join(', ')})`);
if (results.length > 0) {
  out(`\n${DURATION_S}s per load scenario, ${DEFAULT_CONNECTIONS} connections unless named\n`);
  out(
    `${'scenario'.padEnd(50)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'requests'.padStart(9)} ${'non-2xx'.padStart(8)}`,
  );
  for (const r of results) {
    out(
      `${r.title.padEnd(50)} ${pad(r.rps, 9, 0)} ${pad(r.p50, 8)} ${pad(r.p99, 8)} ${pad(r.total, 9, 0)} ${pad(r.non2xx, 8, 0)}`,
    );
    figures[`${r.title} req/s`] = r.rps;
    figures[`${r.title} p50 ms`] = r.p50;
    figures[`${r.title} p99 ms`] = r.p99;
  }
}
if (report.read) {
  const [viaGateway, direct, signedInViaGateway, signedInDirect] = report.read;
  const ratio = viaGateway.p50 / Math.max(direct.p50, 0.001);
  figures['gateway p50 ÷ direct p50'] = ratio;
  const proxiedRatio = signedInViaGateway.p50 / Math.max(signedInDirect.p50, 0.001);
  figures['signed-in gateway p50 ÷ direct p50'] = proxiedRatio;
  out(
    `\nsigned-in read (always proxied): ${signedInViaGateway.rps.toFixed(0)} req/s through the gateway, ${(signedInViaGateway.rps / signedInDirect.rps).toFixed(2)}× of direct, p50 ${proxiedRatio.toFixed(2)}× of direct`,
  );
  out(
    `P1 gateway: ${viaGateway.rps.toFixed(0)} req/s (target ≥ ${TARGETS.readRps}: ${met(viaGateway.rps >= TARGETS.readRps)}), throughput ${(viaGateway.rps / direct.rps).toFixed(2)}× of direct, p50 ${ratio.toFixed(2)}× of direct (target ≤ ${TARGETS.readP50Ratio}×: ${met(ratio <= TARGETS.readP50Ratio)})`,
  );
}
if (report.booking) {
  const { rps, p99, total, non2xx } = report.booking;
  // Offered at the target rate: it is met when (nearly) every offered request was answered 2xx.
  const kept = (total - non2xx) / (TARGETS.bookingRps * DURATION_S);
  out(
    `P2 booking create: p99 ${p99.toFixed(1)} ms at ${rps.toFixed(0)} req/s offered ${TARGETS.bookingRps}, ${(kept * 100).toFixed(1)}% of the offered load booked (target p99 < ${TARGETS.bookingP99Ms} ms at ${TARGETS.bookingRps} req/s: ${met(p99 < TARGETS.bookingP99Ms && kept >= 0.99)})`,
  );
}
if (report.contention) {
  const { attempts, won, conflicts, statuses, latency } = report.contention;
  const others = [...statuses].filter(([s]) => s !== 201 && s !== 409).map(([s, n]) => `${n}× ${s}`);
  figures['contention winners'] = won;
  figures['contention p99 ms'] = latency.p99;
  out(
    `\nP2b ${attempts} simultaneous bookings of one stay: ${won} won (target exactly 1: ${met(won === 1)}), ${conflicts} × 409${others.length ? `, ${others.join(', ')}` : ''}; latency p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
  );
}
if (report.checkout) {
  out(
    `\nbook then pay immediately, via gateway — ${report.checkout.iterations} iterations one after the other (after ${WARM_UP_ITERATIONS} untimed)\n`,
  );
  out(
    `${'latency'.padEnd(40)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
  );
  for (const r of report.checkout.rows) {
    out(`${r.title.padEnd(50)} ${pad(r.p50, 8)} ${pad(r.p95, 8)} ${pad(r.p99, 8)} ${pad(r.max, 8)}`);
    figures[`${r.title} p99 ms`] = r.p99;
  }
  const failed = [...report.checkout.failures].map(([status, n]) => `${n}× ${status}`).join(', ');
  out(`payments not answered 201: ${failed || 'none'}`);
}
if (report.webhooks) {
  out('\nP3 webhook ingest through the gateway (every Stripe delivery signed and verified):');
  for (const r of report.webhooks) {
    const ok = r.rps >= TARGETS.webhookRps && r.p99 < TARGETS.webhookP99Ms && r.non2xx === 0;
    out(
      `  ${r.title.padEnd(38)} ${r.rps.toFixed(0)}/s, p99 ${r.p99.toFixed(1)} ms, ${r.non2xx} non-2xx (target ≥ ${TARGETS.webhookRps}/s, p99 < ${TARGETS.webhookP99Ms} ms: ${met(ok)}); all processed ${r.drainS.toFixed(1)} s after the load${r.unique !== undefined && r.unique < r.total ? `; ${r.total - r.unique} were re-deliveries` : ''}`,
    );
  }
}
if (report.images) {
  const { photos, bytes, raw, platform: viaPlatform } = report.images;
  const ratio = viaPlatform.workerPerSecond / raw.perSecond;
  const endToEnd = viaPlatform.perSecond / raw.perSecond;
  figures['image-worker ÷ raw sharp'] = ratio;
  figures['image-worker per s'] = viaPlatform.workerPerSecond;
  figures['images platform ÷ raw sharp'] = endToEnd;
  figures['images platform per s'] = viaPlatform.perSecond;
  out(
    `\nP5 ${photos} photos 4000×3000 (${(bytes / photos / 1024).toFixed(0)} KB each), 3 widths × 2 formats each, concurrency 2:`,
  );
  out(
    `  raw sharp loop ${raw.perSecond.toFixed(2)} photos/s (${raw.seconds.toFixed(1)} s); image-worker, first photo stored to last ready, ${viaPlatform.workerPerSecond.toFixed(2)} photos/s (${viaPlatform.workerSeconds.toFixed(1)} s, ${viaPlatform.ready} ready): ${ratio.toFixed(2)}× (target ≥ ${TARGETS.imageRatio}×: ${met(ratio >= TARGETS.imageRatio)})`,
  );
  out(
    `  end to end, first upload to last ready: ${viaPlatform.perSecond.toFixed(2)} photos/s (${viaPlatform.seconds.toFixed(1)} s): ${endToEnd.toFixed(2)}× of the raw loop`,
  );
}
if (report.cache) {
  const { lookups, hitRatio, l1HitRatio } = report.cache;
  figures['cache hit ratio'] = hitRatio;
  out(
    `\nread cache under the read mix (60% property pages by popularity, 25% undated and 15% weekend searches): ${lookups.toLocaleString('en')} lookups, hit ratio ${(hitRatio * 100).toFixed(1)}% (L1 ${(l1HitRatio * 100).toFixed(1)}%) — target ≥ ${TARGETS.cacheHitRatio * 100}%: ${met(hitRatio >= TARGETS.cacheHitRatio)}`,
  );
}
if (report.search && selected.has('search')) {
  const { seed, rows, seconds } = report.search;
  out(
    `\nP8 search at scale — ${SEARCH_PROPERTIES.toLocaleString('en')} properties in ${SEARCH_CITIES} cities, ${(SEARCH_PROPERTIES * SEARCH_BOOKINGS_PER_PROPERTY).toLocaleString('en')} bookings`,
  );
  out(
    `seed with COPY: ${seconds.toFixed(1)} s (properties ${(seed.timings.properties / 1000).toFixed(1)} s, bookings ${(seed.timings.bookings / 1000).toFixed(1)} s, analyze ${(seed.timings.analyze / 1000).toFixed(1)} s) — target < ${SEED_TARGET_S} s: ${met(seconds < SEED_TARGET_S)}`,
  );
  out(
    `city + dates + guests, direct on rentals, ${report.search.iterations} searches one after the other (after ${WARM_UP_ITERATIONS} untimed), ${report.search.meanItems.toFixed(1)} results per page on average`,
  );
  for (const r of rows) {
    out(
      `  ${r.title.padEnd(38)} p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`,
    );
    figures[`${r.title} p95 ms`] = r.p95;
  }
  out(`target p95 < ${SEARCH_P95_TARGET_MS} ms: ${met(rows[0].p95 < SEARCH_P95_TARGET_MS)}`);
  figures['search seed s'] = seconds;
}
if (report.email) {
  const { latency, emails, iterations, perSecond } = report.email;
  figures['booking.confirmed → SMTP p50 ms'] = latency.p50;
  figures['booking.confirmed → SMTP p99 ms'] = latency.p99;
  out(
    `\nbooking.confirmed → SMTP accepted, ${iterations} paid checkouts at ${perSecond}/s: p50 ${latency.p50.toFixed(0)} ms, p95 ${latency.p95.toFixed(0)} ms, p99 ${latency.p99.toFixed(0)} ms, max ${latency.max.toFixed(0)} ms (target p99 < ${TARGETS.emailP99Ms} ms: ${met(latency.p99 < TARGETS.emailP99Ms)}); ${emails} emails for ${iterations} bookings (target exactly one each: ${met(emails === iterations)})`,
  );
}
if (report.telemetry) {
  out(
    `\nP6 tracing cost (1 − throughput with tracing exported ÷ without it, and 1 − the platform's CPU time per request without it ÷ with it; metrics are on in all): sampled as in production (TRACES_SAMPLE_RATIO ${PRODUCTION_SAMPLE_RATIO}), and every trace (1); each phase's loads ran ${TELEMETRY_ROUNDS} times, the phases taking turns, and its rows are the rounds together`,
  );
  report.telemetry.on.forEach((on, i) => {
    const off = report.telemetry.off[i];
    const every = report.telemetry.every[i];
    const name = on.title.replace(', tracing on', '');
    const cost = 1 - on.rps / off.rps;
    const everyCost = 1 - every.rps / off.rps;
    // The same cost from CPU time per request: what tracing adds to each request's work.
    const cpuCost = 1 - off.cpuUsPerRequest / on.cpuUsPerRequest;
    const everyCpuCost = 1 - off.cpuUsPerRequest / every.cpuUsPerRequest;
    figures[`tracing cost ${name}`] = cost;
    figures[`tracing cost, every trace, ${name}`] = everyCost;
    figures[`tracing cost by CPU per request ${name}`] = cpuCost;
    figures[`tracing cost by CPU per request, every trace, ${name}`] = everyCpuCost;
    out(
      `  ${name.padEnd(48)} off ${off.rps.toFixed(0)} req/s; sampled ${on.rps.toFixed(0)} req/s: cost ${(cost * 100).toFixed(1)}% (target ≤ ${TARGETS.telemetryCost * 100}%: ${met(cost <= TARGETS.telemetryCost)}); every trace ${every.rps.toFixed(0)} req/s: cost ${(everyCost * 100).toFixed(1)}%`,
    );
    out(
      `  ${''.padEnd(48)} CPU per request off ${off.cpuUsPerRequest.toFixed(0)} µs; sampled ${on.cpuUsPerRequest.toFixed(0)} µs: cost ${(cpuCost * 100).toFixed(1)}% (target ≤ ${TARGETS.telemetryCost * 100}%: ${met(cpuCost <= TARGETS.telemetryCost)}); every trace ${every.cpuUsPerRequest.toFixed(0)} µs: cost ${(everyCpuCost * 100).toFixed(1)}%`,
    );
  });
}
if (report.memory) {
  out(
    `\nP7/P7b ${'app'.padEnd(18)} ${'RSS idle MB'.padStart(12)} ${'RSS after MB'.padStart(13)} ${'heap used MB'.padStart(13)} ${'external MB'.padStart(12)} ${'cold start ms'.padStart(14)} ${'six at once ms'.padStart(15)}`,
  );
  for (const m of report.memory) {
    out(
      `       ${m.app.padEnd(18)} ${pad(m.idle, 12, 0)} ${pad(m.after, 13, 0)} ${pad(m.heapUsed, 13, 0)} ${pad(m.external, 12, 0)} ${pad(m.coldStart, 14, 0)} ${pad(m.coldStartTogether, 15, 0)}`,
    );
    figures[`${m.app} RSS idle MB`] = m.idle;
    figures[`${m.app} RSS after MB`] = m.after;
    figures[`${m.app} cold start ms`] = m.coldStart ?? NaN;
    figures[`${m.app} cold start, six at once, ms`] = m.coldStartTogether ?? NaN;
  }
  out('cold start: spawn to the first 200 on /health/ready, each app alone; then all six started at once');
  const worst = (key) => Math.max(...report.memory.map((m) => m[key] ?? Infinity));
  out(
    `targets: RSS idle ≤ ${TARGETS.rssIdleMb} MB: ${met(worst('idle') <= TARGETS.rssIdleMb)}, after load ≤ ${TARGETS.rssAfterMb} MB: ${met(worst('after') <= TARGETS.rssAfterMb)}, cold start ≤ ${TARGETS.coldStartMs} ms: ${met(worst('coldStart') <= TARGETS.coldStartMs)}`,
  );
}
const dir = join(root, '.cache', 'bench');
mkdirSync(dir, { recursive: true });
const earlier = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const file = join(dir, `${RUN_AT}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ at: new Date().toISOString(), scenarios: [...selected], durationS: DURATION_S, figures }, null, 2)}\n`,
);
out(`\nfigures written to ${file.slice(root.length + 1)}`);
if (args.values.profile) {
  out(`CPU profiles of ${PROFILED_APPS.join(', ')} in ${profileDir.slice(root.length + 1)}/<app>/`);
}
if (args.values.compare) {
  const previous = earlier.at(-1);
  if (!previous) {
    out('no earlier run to compare with');
  } else {
    const before = JSON.parse(readFileSync(join(dir, previous), 'utf8')).figures;
    out(`\ncompared with ${previous} (this run ÷ that run)`);
    for (const [name, value] of Object.entries(figures)) {
      if (typeof before[name] === 'number' && before[name] !== 0) {
        out(`  ${name.padEnd(48)} ${(value / before[name]).toFixed(2)}×`);
      }
    }
  }
}
