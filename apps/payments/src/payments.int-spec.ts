import { randomInt, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import Stripe from 'stripe';
import {
  INTERNAL_SETTLEMENTS_MAX_BOOKINGS,
  internalSettlementsPath,
  internalSettlementsSchema,
  Topics,
  type EventData,
  type InternalBooking,
} from '@rentguy/contracts';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { queueTesting } from '@rentguy/testing/queue';
import { testEnvironment, testJwtEnv, testSigningKey, waitUntil } from '@rentguy/testing/platform';
import { startFakeStripe, type FakeStripe } from '@rentguy/testing/stripe-fake';
import { paymentsSchema, WebhookEventRepository } from '@rentguy/payments/data-access';
import { STRIPE_WEBHOOK_PATH, WebhookInboxService } from '@rentguy/payments/feature';
import { startFakeRentals, type FakeRentals } from '@rentguy/testing/payments';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The payments app as it boots (createApp) against real PostgreSQL (the test database, real
// migrations in a schema of this run), real Kafka (topics under a prefix of this run), Stripe faked
// at its HTTP API and driven through the official SDK, rentals' internal booking route served by a
// stand-in of its contract (payments may not import rentals).
const { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, kafkaBrokers: KAFKA_BROKERS } = testEnvironment();
const WEBHOOK_SECRET = 'whsec_payments_int_test_secret';
const RENTALS_SERVICE_TOKEN = 'rentals-service-token-of-the-payments-int-test';

const letters = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
const SCHEMA = `payments_it_${letters(10)}`;
/** The payments migrations and entities, in this run's own schema. */
const testSchema = { ...paymentsSchema, name: SCHEMA };
const TOPIC_PREFIX = `test.${letters(10)}.`;

const QUEUE_PREFIX = queueTesting.randomPrefix();

interface PaymentBody {
  id: string;
  provider: string;
  status: string;
  providerPaymentId: string | null;
  clientSecret: string | null;
  amount: number;
  currency: string;
}

interface ErrorResponse {
  error: { code: string; message: string };
}

let fake: FakeStripe;
let rentals: FakeRentals;
let app: NestFastifyApplication;
let baseUrl: string;
let db: Client;
let kafka: KafkaClient;
let producer: ReturnType<KafkaClient['producer']>;

async function startApp(stripeBaseUrl: string, rentalsUrl: string): Promise<void> {
  const config = loadConfig(appConfig, {
    env: {
      LOG_LEVEL: process.env['PAYMENTS_TEST_LOGS'] ? 'debug' : 'silent',
      DATABASE_URL,
      DATABASE_POOL_SIZE: '10',
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      ...testJwtEnv(),
      SERVICE_TOKENS: `rentals:${RENTALS_SERVICE_TOKEN}`,
      STRIPE_SECRET_KEY: 'sk_test_payments_int',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: stripeBaseUrl,
      STRIPE_TIMEOUT_MS: '2000',
      RENTALS_URL: rentalsUrl,
      RENTALS_TIMEOUT_MS: '500',
      REDIS_URL,
      WEBHOOK_SWEEP_INTERVAL_MS: '500',
      // Reconciliation is driven by the test itself (reconcileNow), and looks at every payment.
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_PENDING_AFTER_MS: '1',
    },
  });
  app = await createApp(config, {
    schema: SCHEMA,
    messaging: { topicPrefix: TOPIC_PREFIX },
    queue: { prefix: QUEUE_PREFIX },
  });
  await app.listen(0, '127.0.0.1');
  baseUrl = await app.getUrl();
  baseUrl = baseUrl.replace('[::1]', '127.0.0.1');
}

/** One reconciliation round through the payments-maintenance queue, as its scheduler would add it. */
async function reconcileNow(): Promise<void> {
  await queueTesting.runScheduledJobNow(app, 'payments-reconciliation', 30_000);
}

async function tokenFor(userId: string, role: 'guest' | 'host' = 'guest'): Promise<string> {
  return testSigningKey.sign({ id: userId, role, email: `${userId.slice(0, 8)}@example.com`, name: 'Ada' });
}

async function requestPayment(
  guestId: string,
  bookingId: string,
  body: unknown = { provider: 'stripe' },
  role: 'guest' | 'host' = 'guest',
): Promise<{ status: number; headers: Headers; body: PaymentBody & ErrorResponse }> {
  const response = await fetch(`${baseUrl}/v1/bookings/${bookingId}/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(guestId, role)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as PaymentBody & ErrorResponse,
  };
}

async function postWebhook(rawBody: string, signature?: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${STRIPE_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature !== undefined && { 'stripe-signature': signature }),
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.json() };
}

async function publishBookingEvent<T extends 'booking.held' | 'booking.expired' | 'booking.confirmed'>(
  type: T,
  data: EventData<T>,
): Promise<void> {
  const envelope = {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: new Date().toISOString(),
    aggregateId: data.bookingId,
    data,
  };
  await producer.send({
    topic: `${TOPIC_PREFIX}${Topics.booking}`,
    messages: [{ key: data.bookingId, value: JSON.stringify(envelope), headers: { type } }],
  });
}

function heldEvent(
  guestId: string,
  overrides: Partial<EventData<'booking.held'>> = {},
): EventData<'booking.held'> {
  return {
    bookingId: randomUUID(),
    propertyId: randomUUID(),
    propertyTitle: 'Canal house',
    hostId: randomUUID(),
    guestId,
    guestEmail: 'guest@example.com',
    guestName: 'Grace Guest',
    checkIn: '2027-03-01',
    checkOut: '2027-03-04',
    totalAmount: 36_000,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ...overrides,
  };
}

/** A booking only rentals knows so far: its `booking.held` has not reached payments. */
function bookingInRentals(guestId: string, overrides: Partial<InternalBooking> = {}): InternalBooking {
  const booking: InternalBooking = {
    bookingId: randomUUID(),
    guestId,
    status: 'held',
    totalAmount: 36_000,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ...overrides,
  };
  rentals.put(booking);
  return booking;
}

/** The `booking.held` rentals published for `booking`, as it arrives after the read-through. */
function heldEventOf(booking: InternalBooking): EventData<'booking.held'> {
  return heldEvent(booking.guestId, {
    bookingId: booking.bookingId,
    totalAmount: booking.totalAmount,
    currency: booking.currency,
    expiresAt: booking.expiresAt,
  });
}

interface ProjectionRowSnapshot {
  guest_id: string;
  amount: number;
  currency: string;
  expires_at: Date;
  status: string;
  updated_at: Date;
}

async function projectionRows(bookingId: string): Promise<ProjectionRowSnapshot[]> {
  const { rows } = await db.query<ProjectionRowSnapshot>(
    `SELECT guest_id, amount, currency, expires_at, status, updated_at
       FROM "${SCHEMA}".booking_projection WHERE booking_id = $1`,
    [bookingId],
  );
  return rows;
}

/** Publishes a booking event and waits until the payments consumer has applied it (its inbox row). */
async function deliverBookingEvent<T extends 'booking.held' | 'booking.expired' | 'booking.confirmed'>(
  type: T,
  data: EventData<T>,
): Promise<void> {
  const id = randomUUID();
  await producer.send({
    topic: `${TOPIC_PREFIX}${Topics.booking}`,
    messages: [
      {
        key: data.bookingId,
        value: JSON.stringify({
          id,
          type,
          version: 1,
          occurredAt: new Date().toISOString(),
          aggregateId: data.bookingId,
          data,
        }),
        headers: { type },
      },
    ],
  });
  await waitUntil(
    async () => (await db.query(`SELECT 1 FROM "${SCHEMA}".inbox WHERE event_id = $1`, [id])).rowCount === 1,
    { timeoutMs: 30_000, description: `${type} applied by the payments consumer` },
  );
}

async function projectionStatus(bookingId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ status: string }>(
    `SELECT status FROM "${SCHEMA}".booking_projection WHERE booking_id = $1`,
    [bookingId],
  );
  return rows[0]?.status;
}

/** A held booking of `guestId` that has reached the payments projection through Kafka. */
async function holdBooking(
  guestId: string,
  overrides: Partial<EventData<'booking.held'>> = {},
): Promise<EventData<'booking.held'>> {
  const held = heldEvent(guestId, overrides);
  await publishBookingEvent('booking.held', held);
  await waitUntil(() => projectionStatus(held.bookingId), {
    timeoutMs: 30_000,
    description: 'booking.held in the projection',
  });
  return held;
}

async function paymentRow(
  id: string,
): Promise<{ status: string; provider_payment_id: string | null; failure_reason: string | null }> {
  const { rows } = await db.query<{
    status: string;
    provider_payment_id: string | null;
    failure_reason: string | null;
  }>(`SELECT status, provider_payment_id, failure_reason FROM "${SCHEMA}".payments WHERE id = $1`, [id]);
  if (!rows[0]) {
    throw new Error(`payment ${id} not found`);
  }
  return rows[0];
}

async function outboxEvents(
  paymentId: string,
): Promise<{ type: string; data: Record<string, unknown>; published: boolean }[]> {
  const { rows } = await db.query<{
    type: string;
    payload: { data: Record<string, unknown> };
    published_at: Date | null;
  }>(
    `SELECT type, payload, published_at FROM "${SCHEMA}".outbox WHERE payload->>'aggregateId' = $1 ORDER BY id`,
    [paymentId],
  );
  return rows.map((r) => ({ type: r.type, data: r.payload.data, published: r.published_at !== null }));
}

async function webhookRows(eventId: string): Promise<{ processed: boolean; type: string }[]> {
  const { rows } = await db.query<{ processed_at: Date | null; type: string }>(
    `SELECT processed_at, type FROM "${SCHEMA}".webhook_events WHERE provider = 'stripe' AND event_id = $1`,
    [eventId],
  );
  return rows.map((r) => ({ processed: r.processed_at !== null, type: r.type }));
}

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = await app.get(MetricsRegistry).registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

/** A pending payment of a fresh held booking. */
async function pendingPayment(): Promise<{
  guestId: string;
  booking: EventData<'booking.held'>;
  payment: PaymentBody;
}> {
  const guestId = randomUUID();
  const booking = await holdBooking(guestId);
  const { status, body } = await requestPayment(guestId, booking.bookingId);
  expect(status).toBe(201);
  return { guestId, booking, payment: body };
}

beforeAll(async () => {
  db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  await migrateSchema(testSchema, { url: DATABASE_URL, applicationName: 'payments-int-test-migrate' });
  kafka = new KafkaClient({ clientId: 'payments-int-test-admin', brokers: KAFKA_BROKERS });
  await kafka.ensureTopics(
    [Topics.booking, Topics.payment].map((topic) => ({
      topic: `${TOPIC_PREFIX}${topic}`,
      numPartitions: 3,
      replicationFactor: 1,
    })),
  );
  producer = kafka.producer();
  await producer.connect();
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  rentals = await startFakeRentals();
  await startApp(fake.url, rentals.url);
  fake.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);
}, 120_000);

afterAll(async () => {
  if (app) {
    await queueTesting.obliterateQueues(app);
  }
  await app?.close();
  await fake?.close();
  await rentals?.close();
  await producer?.disconnect();
  await kafka?.close();
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.end();
}, 60_000);

describe('POST /v1/bookings/:id/payments', () => {
  it('creates one PaymentIntent at Stripe, keyed by our payment id, and returns its client secret', async () => {
    const guestId = randomUUID();
    const booking = await holdBooking(guestId);

    const first = await requestPayment(guestId, booking.bookingId);

    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.any(String),
      provider: 'stripe',
      status: 'pending',
      providerPaymentId: expect.stringMatching(/^pi_/),
      clientSecret: expect.stringMatching(/^pi_.+_secret_/),
      amount: 36_000,
      currency: 'EUR',
    });
    const intent = fake.paymentIntents().find((pi) => pi.id === first.body.providerPaymentId);
    expect(intent).toMatchObject({
      amount: 36_000,
      currency: 'eur',
      metadata: { paymentId: first.body.id, bookingId: booking.bookingId },
      automatic_payment_methods: { enabled: true },
    });
    const creates = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
    expect(creates.filter((r) => r.idempotencyKey === first.body.id)).toHaveLength(1);
    expect(await paymentRow(first.body.id)).toMatchObject({
      status: 'pending',
      provider_payment_id: first.body.providerPaymentId,
    });

    const again = await requestPayment(guestId, booking.bookingId);

    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(fake.paymentIntents().filter((pi) => pi.metadata['bookingId'] === booking.bookingId)).toHaveLength(
      1,
    );
  });

  it('answers concurrent requests for one booking with one payment', async () => {
    const guestId = randomUUID();
    const booking = await holdBooking(guestId);

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => requestPayment(guestId, booking.bookingId)),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(fake.paymentIntents().filter((pi) => pi.metadata['bookingId'] === booking.bookingId)).toHaveLength(
      1,
    );
  });

  it('pays a booking whose booking.held has not arrived yet, reading it from rentals once', async () => {
    const guestId = randomUUID();
    const booking = bookingInRentals(guestId);

    const first = await requestPayment(guestId, booking.bookingId);

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'pending', amount: 36_000, currency: 'EUR' });
    expect(rentals.requests.filter((r) => r.bookingId === booking.bookingId)).toEqual([
      { bookingId: booking.bookingId, authorization: expect.stringMatching(/^Bearer ey/) },
    ]);
    const [stored] = await projectionRows(booking.bookingId);
    expect(stored).toMatchObject({
      guest_id: guestId,
      amount: 36_000,
      currency: 'EUR',
      status: 'held',
      expires_at: new Date(booking.expiresAt),
    });

    // The event arrives after all: it finds the row it would have written and changes nothing.
    await deliverBookingEvent('booking.held', heldEventOf(booking));

    expect(await projectionRows(booking.bookingId)).toEqual([stored]);
    const again = await requestPayment(guestId, booking.bookingId);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(rentals.requests.filter((r) => r.bookingId === booking.bookingId)).toHaveLength(1);
    expect(fake.paymentIntents().filter((pi) => pi.metadata['bookingId'] === booking.bookingId)).toHaveLength(
      1,
    );
  });

  it('keeps what rentals reported when an older booking.held arrives afterwards', async () => {
    const guestId = randomUUID();
    const booking = bookingInRentals(guestId, { status: 'expired' });

    const answer = await requestPayment(guestId, booking.bookingId);

    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('not_payable');
    await deliverBookingEvent('booking.held', heldEventOf(booking));
    expect(await projectionStatus(booking.bookingId)).toBe('expired');
    expect((await requestPayment(guestId, booking.bookingId)).status).toBe(409);
  });

  it('answers 409 not_payable for a booking rentals reports confirmed, cancelled or lapsed', async () => {
    const guestId = randomUUID();
    const bookings = [
      bookingInRentals(guestId, { status: 'confirmed' }),
      bookingInRentals(guestId, { status: 'cancelled' }),
      bookingInRentals(guestId, { expiresAt: new Date(Date.now() - 1000).toISOString() }),
    ];

    for (const booking of bookings) {
      const answer = await requestPayment(guestId, booking.bookingId);
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('not_payable');
    }
    expect(
      fake.paymentIntents().filter((pi) => bookings.some((b) => b.bookingId === pi.metadata['bookingId'])),
    ).toEqual([]);
  });

  it("answers 404 for a booking only rentals knows when it is someone else's, and stores nothing", async () => {
    const booking = bookingInRentals(randomUUID());

    const stranger = await requestPayment(randomUUID(), booking.bookingId);

    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('not_found');
    expect(await projectionRows(booking.bookingId)).toEqual([]);
  });

  it('answers 403 to a host, before asking rentals anything', async () => {
    const booking = bookingInRentals(randomUUID());

    const host = await requestPayment(booking.guestId, booking.bookingId, { provider: 'stripe' }, 'host');

    expect(host.status).toBe(403);
    expect(host.body.error.code).toBe('forbidden');
    expect(rentals.requests.filter((r) => r.bookingId === booking.bookingId)).toEqual([]);
  });

  it("answers 404 for someone else's booking and for an unknown one", async () => {
    const owner = randomUUID();
    const booking = await holdBooking(owner);

    const stranger = await requestPayment(randomUUID(), booking.bookingId);
    const unknown = await requestPayment(owner, randomUUID());

    expect(stranger.status).toBe(404);
    expect(stranger.body.error.code).toBe('not_found');
    expect(unknown.status).toBe(404);
    expect(fake.paymentIntents().filter((pi) => pi.metadata['bookingId'] === booking.bookingId)).toHaveLength(
      0,
    );
  });

  it('refuses unknown fields and providers', async () => {
    const guestId = randomUUID();
    const booking = await holdBooking(guestId);

    const extra = await requestPayment(guestId, booking.bookingId, { provider: 'stripe', amount: 1 });
    const paypal = await requestPayment(guestId, booking.bookingId, { provider: 'paypal' });

    expect(extra.status).toBe(400);
    expect(paypal.status).toBe(400);
    expect(extra.body.error.code).toBe('validation_failed');
  });

  it('answers 409 not_payable once the hold has expired or the booking is confirmed', async () => {
    const guestId = randomUUID();
    const lapsed = await holdBooking(guestId, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const expired = await holdBooking(guestId);
    const confirmed = await holdBooking(guestId);
    await publishBookingEvent('booking.expired', {
      bookingId: expired.bookingId,
      propertyId: expired.propertyId,
    });
    await publishBookingEvent('booking.confirmed', {
      ...confirmed,
      propertyTitle: 'Canal house',
      guestName: 'Ada',
      locale: 'en',
    });
    await waitUntil(async () => (await projectionStatus(expired.bookingId)) === 'expired', {
      timeoutMs: 20_000,
    });
    await waitUntil(async () => (await projectionStatus(confirmed.bookingId)) === 'confirmed', {
      timeoutMs: 20_000,
    });

    for (const booking of [lapsed, expired, confirmed]) {
      const answer = await requestPayment(guestId, booking.bookingId);
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('not_payable');
    }
  });
});

describe('POST /v1/webhooks/stripe', () => {
  it('refuses a delivery whose signature does not verify, and stores nothing', async () => {
    const eventId = `evt_forged_${letters(8)}`;
    const payload = JSON.stringify({
      id: eventId,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_x' } },
    });
    const forged = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' });

    const wrongSecret = await postWebhook(payload, forged);
    const noHeader = await postWebhook(payload);

    expect(wrongSecret).toEqual({
      status: 400,
      body: { error: expect.objectContaining({ code: 'invalid_signature' }) },
    });
    expect(noHeader.status).toBe(400);
    expect(await webhookRows(eventId)).toEqual([]);
  });

  it('refuses a signature dated more than 300 s from now in either direction, and stores nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    // 310 s, not 301: the server reads its clock a moment later, and a loaded machine makes that a second or more.
    const attempts = [now + 3600, now + 310, now - 3600].map(async (timestamp) => {
      const eventId = `evt_skewed_${letters(8)}`;
      const payload = JSON.stringify({
        id: eventId,
        object: 'event',
        type: 'payment_intent.succeeded',
        data: { object: { id: 'pi_x' } },
      });
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: WEBHOOK_SECRET,
        timestamp,
      });
      return { eventId, response: await postWebhook(payload, signature) };
    });
    for (const { eventId, response } of await Promise.all(attempts)) {
      expect(response).toEqual({
        status: 400,
        body: { error: expect.objectContaining({ code: 'invalid_signature' }) },
      });
      expect(await webhookRows(eventId)).toEqual([]);
    }
    // Clock skew within the tolerance is fine.
    const eventId = await fake.sendEvent('customer.created', {
      id: `cus_${letters(10)}`,
      object: 'customer',
    });
    expect(fake.deliveries.filter((d) => d.eventId === eventId).map((d) => d.status)).toEqual([200]);
  });

  it('answers 400, never 5xx, to a correctly signed payload that is not a usable event', async () => {
    const nulId = `evt_nul_${letters(8)}`;
    const payloads = [
      '{"hello":"world"}',
      '[]',
      '"just a string"',
      JSON.stringify({ id: '', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } }),
      JSON.stringify({
        id: nulId,
        object: 'event',
        type: 'payment_intent.succeeded',
        data: { object: { id: 'pi_\u0000x' } },
      }),
      JSON.stringify({
        id: `evt_\u0000${letters(4)}`,
        object: 'event',
        type: 'customer.created',
        data: { object: {} },
      }),
    ];
    const before = await counterValue('webhook_events_total', {
      provider: 'stripe',
      type: 'unknown',
      outcome: 'invalid_payload',
    });
    for (const payload of payloads) {
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const response = await postWebhook(payload, signature);
      expect({ payload, ...response }).toEqual({
        payload,
        status: 400,
        body: { error: expect.objectContaining({ code: 'validation_failed' }) },
      });
    }
    expect(await webhookRows(nulId)).toEqual([]);
    expect(
      await counterValue('webhook_events_total', {
        provider: 'stripe',
        type: 'unknown',
        outcome: 'invalid_payload',
      }),
    ).toBe(before + payloads.length);
  });

  it('marks the payment succeeded and emits exactly one payment.succeeded', async () => {
    const { booking, payment } = await pendingPayment();

    const eventId = await fake.succeed(payment.providerPaymentId as string);

    expect(fake.deliveries.filter((d) => d.eventId === eventId).map((d) => d.status)).toEqual([200]);
    await waitUntil(async () => (await paymentRow(payment.id)).status === 'succeeded', {
      description: 'payment succeeded',
    });
    await waitUntil(async () => (await outboxEvents(payment.id)).every((e) => e.published), {
      timeoutMs: 20_000,
      description: 'outbox relayed',
    });
    expect(await outboxEvents(payment.id)).toEqual([
      {
        type: 'payment.succeeded',
        published: true,
        data: {
          paymentId: payment.id,
          bookingId: booking.bookingId,
          provider: 'stripe',
          providerPaymentId: payment.providerPaymentId,
          amount: 36_000,
          currency: 'EUR',
        },
      },
    ]);
    expect(await webhookRows(eventId)).toEqual([{ processed: true, type: 'payment_intent.succeeded' }]);
  });

  it('applies an event delivered twice, and ten times at once, only once', async () => {
    const { payment } = await pendingPayment();
    const succeededBefore = await counterValue('payments_total', { provider: 'stripe', status: 'succeeded' });
    fake.setWebhookUrl(undefined);
    const eventId = await fake.succeed(payment.providerPaymentId as string);
    fake.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);

    await fake.redeliver(eventId);
    await fake.redeliver(eventId);
    const burst = (await Promise.all(Array.from({ length: 10 }, () => fake.redeliver(eventId)))).flat();

    expect(burst.map((d) => d.status)).toEqual(Array(10).fill(200));
    await waitUntil(async () => (await webhookRows(eventId))[0]?.processed, {
      description: 'event processed',
    });
    await app.get(WebhookInboxService).whenIdle();
    expect(await webhookRows(eventId)).toHaveLength(1);
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'succeeded' });
    expect(await counterValue('payments_total', { provider: 'stripe', status: 'succeeded' })).toBe(
      succeededBefore + 1,
    );
  });

  it('stores a burst of deliveries in fewer statements than deliveries, applies each event once, and one failing event holds up no other', async () => {
    const pending = await Promise.all(Array.from({ length: 24 }, () => pendingPayment()));
    fake.setWebhookUrl(undefined);
    const eventIds = await Promise.all(
      pending.map(({ payment }) => fake.succeed(payment.providerPaymentId as string)),
    );
    fake.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);
    // A database fault for one payment alone: its transition cannot be written until it is removed.
    const [broken, ...others] = pending.map(({ payment }) => payment.id);
    await db.query(
      `CREATE FUNCTION "${SCHEMA}".refuse_update() RETURNS trigger LANGUAGE plpgsql AS
         $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`,
    );
    await db.query(
      `CREATE TRIGGER refuse_update BEFORE UPDATE ON "${SCHEMA}".payments
         FOR EACH ROW WHEN (OLD.id = '${broken}') EXECUTE FUNCTION "${SCHEMA}".refuse_update()`,
    );
    const inserts = jest.spyOn(app.get(WebhookEventRepository), 'insertManyIfNew');
    try {
      // Every event twice, all at once.
      const deliveries = (
        await Promise.all([...eventIds, ...eventIds].map((id) => fake.redeliver(id)))
      ).flat();

      expect(deliveries.map((d) => d.status)).toEqual(Array(48).fill(200));
      expect(inserts.mock.calls.length).toBeLessThan(48);
      await waitUntil(
        async () => (await Promise.all(others.map(paymentRow))).every((p) => p.status === 'succeeded'),
        { description: 'every other payment succeeded' },
      );
      await app.get(WebhookInboxService).whenIdle();
      expect(await paymentRow(broken)).toMatchObject({ status: 'pending' });
      const { rows } = await db.query<{ last_error: string | null }>(
        `SELECT last_error FROM "${SCHEMA}".webhook_events WHERE event_id = $1`,
        [eventIds[0]],
      );
      expect(rows).toEqual([{ last_error: expect.stringContaining('refused by the test') }]);
    } finally {
      inserts.mockRestore();
      await db.query(`DROP TRIGGER refuse_update ON "${SCHEMA}".payments`);
      await db.query(`DROP FUNCTION "${SCHEMA}".refuse_update()`);
    }
    // The inbox sweep applies the held-up event once the fault is gone.
    await waitUntil(async () => (await paymentRow(broken)).status === 'succeeded', {
      timeoutMs: 10_000,
      description: 'the held-up event applied by the sweep',
    });
    for (const id of [broken, ...others]) {
      expect((await outboxEvents(id)).map((e) => e.type)).toEqual(['payment.succeeded']);
    }
    for (const eventId of eventIds) {
      expect(await webhookRows(eventId)).toEqual([{ processed: true, type: 'payment_intent.succeeded' }]);
    }
  });

  it('keeps a succeeded payment succeeded when a payment_failed arrives late', async () => {
    const { payment } = await pendingPayment();
    await fake.succeed(payment.providerPaymentId as string);
    await waitUntil(async () => (await paymentRow(payment.id)).status === 'succeeded');
    const intent = fake.paymentIntents().find((pi) => pi.id === payment.providerPaymentId);

    const late = await fake.sendEvent('payment_intent.payment_failed', {
      ...intent,
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' },
    });

    await waitUntil(async () => (await webhookRows(late))[0]?.processed, {
      description: 'late event processed',
    });
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'succeeded', failure_reason: null });
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('marks a declined payment failed, emits payment.failed, and lets the guest try again', async () => {
    const { guestId, booking, payment } = await pendingPayment();

    await fake.fail(payment.providerPaymentId as string);

    await waitUntil(async () => (await paymentRow(payment.id)).status === 'failed', {
      description: 'payment failed',
    });
    expect(await paymentRow(payment.id)).toMatchObject({ failure_reason: 'Your card was declined.' });
    expect(await outboxEvents(payment.id)).toEqual([
      expect.objectContaining({
        type: 'payment.failed',
        data: {
          paymentId: payment.id,
          bookingId: booking.bookingId,
          provider: 'stripe',
          reason: 'Your card was declined.',
        },
      }),
    ]);
    const retry = await requestPayment(guestId, booking.bookingId);
    expect(retry.status).toBe(201);
    expect(retry.body.id).not.toBe(payment.id);
    // The declined intent could still be paid with its client secret: it is canceled first.
    expect(fake.paymentIntents().find((pi) => pi.id === payment.providerPaymentId)?.status).toBe('canceled');
    const cancels = fake.requests.filter(
      (r) => r.path === `/v1/payment_intents/${payment.providerPaymentId}/cancel`,
    );
    expect(cancels.map((r) => r.idempotencyKey)).toEqual([`${payment.id}:cancel`]);
    await fake.settled();
    await app.get(WebhookInboxService).whenIdle();
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'failed' });
  });

  it('records a declined intent that was paid after all instead of starting a second payment', async () => {
    const { guestId, booking, payment } = await pendingPayment();
    await fake.fail(payment.providerPaymentId as string);
    await waitUntil(async () => (await paymentRow(payment.id)).status === 'failed');
    fake.setWebhookUrl(undefined);
    await fake.succeed(payment.providerPaymentId as string);
    fake.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);

    const retry = await requestPayment(guestId, booking.bookingId);

    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('not_payable');
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'succeeded' });
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual([
      'payment.failed',
      'payment.succeeded',
    ]);
    expect(fake.paymentIntents().filter((pi) => pi.metadata['bookingId'] === booking.bookingId)).toHaveLength(
      1,
    );
    const { rows } = await db.query<{ status: string }>(
      `SELECT status FROM "${SCHEMA}".payments WHERE booking_id = $1 AND id <> $2`,
      [booking.bookingId, payment.id],
    );
    expect(rows).toEqual([{ status: 'canceled' }]);
  });

  it('leaves a payment alone when Stripe reports success for another amount or currency', async () => {
    const { payment } = await pendingPayment();
    const intent = fake.paymentIntents().find((pi) => pi.id === payment.providerPaymentId);
    const mismatchesBefore = await counterValue('payment_amount_mismatches_total', { provider: 'stripe' });

    const cheaper = await fake.sendEvent('payment_intent.succeeded', {
      ...intent,
      status: 'succeeded',
      amount: 100,
      amount_received: 100,
    });
    const dollars = await fake.sendEvent('payment_intent.succeeded', {
      ...intent,
      status: 'succeeded',
      amount_received: 36_000,
      currency: 'usd',
    });

    for (const eventId of [cheaper, dollars]) {
      await waitUntil(async () => (await webhookRows(eventId))[0]?.processed, {
        description: 'mismatched event processed',
      });
    }
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'pending' });
    expect(await outboxEvents(payment.id)).toEqual([]);
    expect(await counterValue('payment_amount_mismatches_total', { provider: 'stripe' })).toBe(
      mismatchesBefore + 2,
    );
  });

  it('stores and ignores event types it does not act on', async () => {
    const eventId = await fake.sendEvent('customer.created', {
      id: `cus_${letters(10)}`,
      object: 'customer',
    });

    expect(fake.deliveries.filter((d) => d.eventId === eventId).map((d) => d.status)).toEqual([200]);
    await waitUntil(async () => (await webhookRows(eventId))[0]?.processed, {
      description: 'ignored event processed',
    });
    expect(await webhookRows(eventId)).toEqual([{ processed: true, type: 'customer.created' }]);
  });
});

describe('POST /internal/v1/booking-settlements/query (service-only, for rentals)', () => {
  async function query(body: unknown, authorization?: string): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${baseUrl}${internalSettlementsPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }

  it('answers the succeeded payment of each listed booking that has one, in the shared contract', async () => {
    const paid = await pendingPayment();
    const pending = await pendingPayment();
    await fake.succeed(paid.payment.providerPaymentId as string);
    await waitUntil(async () => (await paymentRow(paid.payment.id)).status === 'succeeded', {
      description: 'payment succeeded',
    });
    const unknown = randomUUID();

    const answer = await query(
      { bookingIds: [paid.booking.bookingId, pending.booking.bookingId, unknown] },
      `Bearer ${RENTALS_SERVICE_TOKEN}`,
    );

    expect(answer.status).toBe(200);
    expect(internalSettlementsSchema.parse(answer.body)).toEqual({
      items: [
        { bookingId: paid.booking.bookingId, paymentId: paid.payment.id, amount: 36_000, currency: 'EUR' },
      ],
    });
  });

  it('refuses a missing or wrong credential and a guest access token with 401', async () => {
    const body = { bookingIds: [randomUUID()] };
    const refused = [
      await query(body),
      await query(body, 'Bearer not-the-rentals-service-token-but-long-enough'),
      await query(body, `Bearer ${await tokenFor(randomUUID())}`),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);
  });

  it("is refused on every other route: the service credential is not a user's token", async () => {
    const { status } = await fetch(`${baseUrl}/v1/bookings/${randomUUID()}/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${RENTALS_SERVICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'stripe' }),
    });
    expect(status).toBe(401);
  });

  it('answers 400 naming the field for an invalid question', async () => {
    const auth = `Bearer ${RENTALS_SERVICE_TOKEN}`;
    const tooMany = Array.from({ length: INTERNAL_SETTLEMENTS_MAX_BOOKINGS + 1 }, () => randomUUID());
    for (const body of [{ bookingIds: [] }, { bookingIds: ['nope'] }, { bookingIds: tooMany }, {}]) {
      const answer = await query(body, auth);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toContain('bookingIds');
    }
    expect((await query({ bookingIds: [randomUUID()], extra: 1 }, auth)).status).toBe(400);
  });
});

describe('reconciliation', () => {
  it('repairs a pending payment whose success webhook was lost', async () => {
    const { payment } = await pendingPayment();
    fake.setWebhookUrl(undefined);
    await fake.succeed(payment.providerPaymentId as string);
    fake.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'pending' });

    await reconcileNow();

    expect(await paymentRow(payment.id)).toMatchObject({ status: 'succeeded' });
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);

    await reconcileNow();
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });
});

describe('webhook inbox sweep', () => {
  it('applies a stored event whose in-process processing never ran, from its job scheduler', async () => {
    const { booking, payment } = await pendingPayment();
    // What a crash between storing the delivery and processing it leaves in the inbox.
    const eventId = `evt_${letters(14)}`;
    await db.query(
      `INSERT INTO "${SCHEMA}".webhook_events (provider, event_id, type, payload) VALUES ('stripe', $1, $2, $3::jsonb)`,
      [
        eventId,
        'payment_intent.succeeded',
        JSON.stringify({
          id: eventId,
          type: 'payment_intent.succeeded',
          data: {
            object: {
              id: payment.providerPaymentId,
              amount: booking.totalAmount,
              amount_received: booking.totalAmount,
              currency: booking.currency.toLowerCase(),
              metadata: { paymentId: payment.id },
            },
          },
        }),
      ],
    );

    // Nobody calls the sweep: the payments-webhook-inbox scheduler adds it every 500 ms.
    await waitUntil(async () => (await webhookRows(eventId))[0]?.processed, {
      timeoutMs: 10_000,
      description: 'the stored event to be processed by the sweep',
    });
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'succeeded' });
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });
});

describe('outbox retention', () => {
  it('deletes published events past the retention period, and nothing else', async () => {
    const insert = async (publishedAt: string): Promise<string> => {
      const { rows } = await db.query<{ event_id: string }>(
        `INSERT INTO "${SCHEMA}".outbox (event_id, topic, key, type, payload, created_at, published_at)
         VALUES (gen_random_uuid(), 'unused', 'k', 'payment.succeeded', '{}', ${publishedAt}, ${publishedAt})
         RETURNING event_id`,
      );
      return rows[0]?.event_id as string;
    };
    const old = await insert("now() - interval '8 days'");
    const recent = await insert("now() - interval '1 day'");

    await queueTesting.runScheduledJobNow(app, 'payments-outbox-retention');

    const { rows } = await db.query<{ event_id: string }>(
      `SELECT event_id FROM "${SCHEMA}".outbox WHERE event_id = ANY($1::uuid[])`,
      [[old, recent]],
    );
    expect(rows.map((r) => r.event_id)).toEqual([recent]);
  });
});

describe('reconciliation of a retry the outage left created', () => {
  it('cancels the declined intent before creating the new one', async () => {
    const { guestId, booking, payment } = await pendingPayment();
    await fake.fail(payment.providerPaymentId as string);
    await waitUntil(async () => (await paymentRow(payment.id)).status === 'failed');
    // What a retry whose provider calls all failed leaves behind.
    const retryId = randomUUID();
    await db.query(
      `INSERT INTO "${SCHEMA}".payments (id, booking_id, guest_id, provider, amount, currency, status)
       VALUES ($1, $2, $3, 'stripe', $4, $5, 'created')`,
      [retryId, booking.bookingId, guestId, booking.totalAmount, booking.currency],
    );

    await reconcileNow();

    expect(fake.paymentIntents().find((pi) => pi.id === payment.providerPaymentId)?.status).toBe('canceled');
    const retried = fake.paymentIntents().filter((pi) => pi.metadata['paymentId'] === retryId);
    expect(retried).toHaveLength(1);
    expect(await paymentRow(retryId)).toMatchObject({
      status: 'pending',
      provider_payment_id: retried[0]?.id,
    });
  });
});

describe('when a hold expires', () => {
  async function expire(booking: EventData<'booking.held'>): Promise<void> {
    await publishBookingEvent('booking.expired', {
      bookingId: booking.bookingId,
      propertyId: booking.propertyId,
    });
    await waitUntil(async () => (await projectionStatus(booking.bookingId)) === 'expired', {
      timeoutMs: 20_000,
      description: 'booking.expired in the projection',
    });
  }

  it('cancels the in-flight payment at Stripe and marks it canceled', async () => {
    const { booking, payment } = await pendingPayment();
    await expire(booking);

    await reconcileNow();

    const intent = fake.paymentIntents().find((pi) => pi.id === payment.providerPaymentId);
    expect(intent?.status).toBe('canceled');
    expect(
      fake.requests
        .filter((r) => r.path === `/v1/payment_intents/${payment.providerPaymentId}/cancel`)
        .map((r) => r.idempotencyKey),
    ).toEqual([`${payment.id}:cancel`]);
    expect(await paymentRow(payment.id)).toMatchObject({ status: 'canceled' });
    await fake.settled();
    await app.get(WebhookInboxService).whenIdle();
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.failed']);
  });

  it('keeps a payment that succeeded before it could be canceled succeeded', async () => {
    const { booking, payment } = await pendingPayment();
    fake.setWebhookUrl(undefined);
    await fake.succeed(payment.providerPaymentId as string);
    fake.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);
    await expire(booking);

    await reconcileNow();

    expect(await paymentRow(payment.id)).toMatchObject({ status: 'succeeded' });
    expect((await outboxEvents(payment.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });
});

describe('when rentals cannot answer', () => {
  it('answers 503 with Retry-After while rentals is down, stores nothing, and pays once it is back', async () => {
    const guestId = randomUUID();
    const booking = bookingInRentals(guestId);
    const port = rentals.port;
    await rentals.close();

    const down = await requestPayment(guestId, booking.bookingId);

    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('upstream_unavailable');
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await projectionRows(booking.bookingId)).toEqual([]);

    rentals = await startFakeRentals({ port });
    rentals.put(booking);
    expect((await requestPayment(guestId, booking.bookingId)).status).toBe(201);
  });

  it('answers 503 when rentals is slower than RENTALS_TIMEOUT_MS', async () => {
    const guestId = randomUUID();
    const booking = bookingInRentals(guestId);
    rentals.delayAnswers(1_500);

    try {
      const started = Date.now();
      const slow = await requestPayment(guestId, booking.bookingId);

      expect(slow.status).toBe(503);
      expect(slow.headers.get('retry-after')).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(1_400);
    } finally {
      rentals.delayAnswers(0);
    }
    expect(await projectionRows(booking.bookingId)).toEqual([]);
  });
});

describe('when Stripe is down', () => {
  it('answers 503, keeps the payment created, and retries with the same idempotency key', async () => {
    const guestId = randomUUID();
    const booking = await holdBooking(guestId);
    const port = fake.port;
    await fake.close();

    const down = await requestPayment(guestId, booking.bookingId);

    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('upstream_unavailable');
    const { rows } = await db.query<{ id: string; status: string; provider_payment_id: string | null }>(
      `SELECT id, status, provider_payment_id FROM "${SCHEMA}".payments WHERE booking_id = $1`,
      [booking.bookingId],
    );
    expect(rows).toEqual([{ id: expect.any(String), status: 'created', provider_payment_id: null }]);

    fake = await startFakeStripe({
      port,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: `${baseUrl}${STRIPE_WEBHOOK_PATH}`,
    });
    const retry = await requestPayment(guestId, booking.bookingId);

    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({
      id: rows[0]?.id,
      status: 'pending',
      providerPaymentId: expect.stringMatching(/^pi_/),
    });
    expect(
      fake.requests.filter((r) => r.path === '/v1/payment_intents').map((r) => r.idempotencyKey),
    ).toEqual([rows[0]?.id]);
  });

  it('lets reconciliation create a payment the outage left created, with the same idempotency key', async () => {
    const guestId = randomUUID();
    const booking = await holdBooking(guestId);
    const port = fake.port;
    await fake.close();
    expect((await requestPayment(guestId, booking.bookingId)).status).toBe(503);
    fake = await startFakeStripe({
      port,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: `${baseUrl}${STRIPE_WEBHOOK_PATH}`,
    });
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM "${SCHEMA}".payments WHERE booking_id = $1`,
      [booking.bookingId],
    );
    const paymentId = rows[0]?.id as string;

    await reconcileNow();

    const intents = fake.paymentIntents().filter((pi) => pi.metadata['paymentId'] === paymentId);
    expect(intents).toHaveLength(1);
    expect(await paymentRow(paymentId)).toMatchObject({
      status: 'pending',
      provider_payment_id: intents[0]?.id,
    });
    expect(
      fake.requests.filter((r) => r.path === '/v1/payment_intents').map((r) => r.idempotencyKey),
    ).toEqual([paymentId]);
    const resumed = await requestPayment(guestId, booking.bookingId);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id: paymentId, providerPaymentId: intents[0]?.id });
  });
});
