import { randomInt, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { Topics, type EventData } from '@rentguy/contracts';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MOLLIE_WEBHOOK_PATH, WebhookInboxService } from '@rentguy/payments/feature';
import { paymentsSchema } from '@rentguy/payments/data-access';
import { startFakeMollie, type FakeMollie } from '@rentguy/testing/mollie-fake';
import { startFakeRentals, type FakeRentals } from '@rentguy/testing/payments';
import { testEnvironment, testJwtEnv, testSigningKey, waitUntil } from '@rentguy/testing/platform';
import { queueTesting } from '@rentguy/testing/queue';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// Mollie beside Stripe: the payments app as it boots, against real PostgreSQL and Kafka, with
// Mollie faked at its HTTPS API (self-signed certificate on loopback) and driven through the
// official @mollie/api-client. Webhooks are Mollie's unsigned pings (`id=tr_…`).
const { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, kafkaBrokers: KAFKA_BROKERS } = testEnvironment();
const letters = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
const SCHEMA = `payments_it_${letters(10)}`;
const TOPIC_PREFIX = `test.${letters(10)}.`;
const QUEUE_PREFIX = queueTesting.randomPrefix();

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; details?: { fields?: { path: string }[] } } };
}

let mollie: FakeMollie;
let rentals: FakeRentals;
let app: NestFastifyApplication;
let baseUrl: string;
let db: Client;
let kafka: KafkaClient;
let producer: ReturnType<KafkaClient['producer']>;

async function tokenFor(userId: string): Promise<string> {
  return testSigningKey.sign({
    id: userId,
    role: 'guest',
    email: `${userId.slice(0, 8)}@example.com`,
    name: 'Ada',
  });
}

async function requestPayment(guestId: string, bookingId: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}/v1/bookings/${bookingId}/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(guestId)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function ping(body: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}${MOLLIE_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function holdBooking(
  guestId: string,
  currency = 'EUR',
  totalAmount = 36_000,
): Promise<EventData<'booking.held'>> {
  const held: EventData<'booking.held'> = {
    bookingId: randomUUID(),
    propertyId: randomUUID(),
    propertyTitle: 'Canal house',
    hostId: randomUUID(),
    guestId,
    guestEmail: 'guest@example.com',
    guestName: 'Grace Guest',
    checkIn: '2027-03-01',
    checkOut: '2027-03-04',
    totalAmount,
    currency,
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  };
  await producer.send({
    topic: `${TOPIC_PREFIX}${Topics.booking}`,
    messages: [
      {
        key: held.bookingId,
        value: JSON.stringify({
          id: randomUUID(),
          type: 'booking.held',
          version: 1,
          occurredAt: new Date().toISOString(),
          aggregateId: held.bookingId,
          data: held,
        }),
        headers: { type: 'booking.held' },
      },
    ],
  });
  await waitUntil(
    async () =>
      (await db.query(`SELECT 1 FROM "${SCHEMA}".booking_projection WHERE booking_id = $1`, [held.bookingId]))
        .rowCount === 1,
    { timeoutMs: 30_000, description: 'booking.held in the projection' },
  );
  return held;
}

async function paymentStatus(id: string): Promise<string> {
  const { rows } = await db.query<{ status: string }>(
    `SELECT status FROM "${SCHEMA}".payments WHERE id = $1`,
    [id],
  );
  return rows[0]?.status ?? 'missing';
}

async function outboxTypes(paymentId: string): Promise<string[]> {
  const { rows } = await db.query<{ type: string }>(
    `SELECT type FROM "${SCHEMA}".outbox WHERE payload->>'aggregateId' = $1 ORDER BY id`,
    [paymentId],
  );
  return rows.map((r) => r.type);
}

async function inboxRows(
  molliePaymentId: string,
): Promise<{ type: string; event_id: string; processed: boolean }[]> {
  const { rows } = await db.query<{ type: string; event_id: string; processed: boolean }>(
    `SELECT type, event_id, processed_at IS NOT NULL AS processed FROM "${SCHEMA}".webhook_events
      WHERE provider = 'mollie' AND (event_id LIKE $1 OR event_id LIKE $2) ORDER BY id`,
    [`${molliePaymentId}@%`, `fetched:${molliePaymentId}:%`],
  );
  return rows;
}

/** Every ping stored for the payment has been processed (in-process, or by the inbox sweep). */
async function pingsProcessed(molliePaymentId: string, count: number): Promise<void> {
  await waitUntil(
    async () => {
      const pings = (await inboxRows(molliePaymentId)).filter((r) => r.type === 'payment.ping');
      return pings.length >= count && pings.every((r) => r.processed);
    },
    { timeoutMs: 30_000, description: `${count} ping(s) of ${molliePaymentId} processed` },
  );
  await app.get(WebhookInboxService).whenIdle();
}

async function molliePayment(
  method?: string,
): Promise<{ guestId: string; bookingId: string; body: Answer['body'] }> {
  const guestId = randomUUID();
  const { bookingId } = await holdBooking(guestId);
  const answer = await requestPayment(guestId, bookingId, { provider: 'mollie', ...(method && { method }) });
  expect(answer.status).toBe(201);
  return { guestId, bookingId, body: answer.body };
}

beforeAll(async () => {
  db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  await migrateSchema(
    { ...paymentsSchema, name: SCHEMA },
    { url: DATABASE_URL, applicationName: 'payments-mollie-it' },
  );
  kafka = new KafkaClient({ clientId: 'payments-mollie-it-admin', brokers: KAFKA_BROKERS });
  await kafka.ensureTopics(
    [Topics.booking, Topics.payment].map((topic) => ({
      topic: `${TOPIC_PREFIX}${topic}`,
      numPartitions: 3,
      replicationFactor: 1,
    })),
  );
  producer = kafka.producer();
  await producer.connect();
  mollie = await startFakeMollie();
  rentals = await startFakeRentals();
  const config = loadConfig(appConfig, {
    env: {
      LOG_LEVEL: process.env['PAYMENTS_TEST_LOGS'] ? 'debug' : 'silent',
      DATABASE_URL,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      ...testJwtEnv(),
      STRIPE_SECRET_KEY: 'sk_test_payments_mollie_int',
      STRIPE_WEBHOOK_SECRET: 'whsec_payments_mollie_int',
      STRIPE_API_BASE_URL: 'http://127.0.0.1:9',
      MOLLIE_API_KEY: 'test_paymentsMollieIntegration0123',
      MOLLIE_API_BASE_URL: mollie.apiUrl,
      PUBLIC_WEB_URL: 'https://web.example.com/payments/return',
      PUBLIC_BASE_URL: 'https://api.example.com',
      RENTALS_URL: rentals.url,
      REDIS_URL,
      WEBHOOK_SWEEP_INTERVAL_MS: '500',
      RECONCILE_INTERVAL_MS: '0',
    },
    envFile: false,
  });
  app = await createApp(config, {
    schema: SCHEMA,
    messaging: { topicPrefix: TOPIC_PREFIX },
    queue: { prefix: QUEUE_PREFIX },
  });
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  // The payments' own webhookUrl names the public gateway; here the app listens on a port of its own.
  mollie.setWebhookUrl(`${baseUrl}${MOLLIE_WEBHOOK_PATH}`);
}, 120_000);

afterAll(async () => {
  if (app) {
    await queueTesting.obliterateQueues(app);
  }
  await app?.close();
  await mollie?.close();
  await rentals?.close();
  await producer?.disconnect();
  await kafka?.close();
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.end();
}, 60_000);

describe('Mollie payments', () => {
  it('creates a Mollie payment and answers with its checkout URL', async () => {
    const { bookingId, body } = await molliePayment('ideal');
    expect(body).toEqual({
      id: expect.any(String),
      provider: 'mollie',
      status: 'pending',
      providerPaymentId: expect.stringMatching(/^tr_\w+$/),
      checkoutUrl: `${mollie.url}/checkout/${String(body.providerPaymentId)}`,
      amount: 36_000,
      currency: 'EUR',
    });
    expect(mollie.payments().find((p) => p.id === body.providerPaymentId)).toMatchObject({
      amount: { currency: 'EUR', value: '360.00' },
      method: 'ideal',
      metadata: { paymentId: body.id, bookingId },
      webhookUrl: 'https://api.example.com/v1/webhooks/mollie',
    });
    expect(
      mollie.requests.find(
        (r) => r.method === 'POST' && r.path === '/v2/payments' && r.idempotencyKey === body.id,
      ),
    ).toBeDefined();
  });

  it('validates the provider and the method, naming the field', async () => {
    const guestId = randomUUID();
    const { bookingId } = await holdBooking(guestId);
    const fieldsOf = (answer: Answer) => answer.body.error?.details?.fields?.map((f) => f.path);
    const paypal = await requestPayment(guestId, bookingId, { provider: 'paypal' });
    const method = await requestPayment(guestId, bookingId, { provider: 'mollie', method: 'sofort' });
    const stripeMethod = await requestPayment(guestId, bookingId, { provider: 'stripe', method: 'ideal' });
    expect([paypal.status, method.status, stripeMethod.status]).toEqual([400, 400, 400]);
    expect(fieldsOf(paypal)).toEqual(['provider']);
    expect(fieldsOf(method)).toEqual(['method']);
    expect(paypal.body.error?.code).toBe('validation_failed');
  });

  it('turns a ping into a fetch, and a paid payment into payment.succeeded in the outbox', async () => {
    const { body } = await molliePayment();
    const trId = String(body.providerPaymentId);
    await mollie.complete(trId, 'paid');
    await pingsProcessed(trId, 1);
    expect(await paymentStatus(String(body.id))).toBe('succeeded');
    expect(await outboxTypes(String(body.id))).toEqual(['payment.succeeded']);
    expect(mollie.deliveries.filter((d) => d.paymentId === trId).map((d) => d.status)).toEqual([200]);
    // Payments fetched the payment after the ping: it trusted what Mollie said, not the ping.
    expect(mollie.requests.some((r) => r.method === 'GET' && r.path === `/v2/payments/${trId}`)).toBe(true);
  });

  it('has one effect for repeated and concurrent pings of the same state', async () => {
    const { body } = await molliePayment();
    const trId = String(body.providerPaymentId);
    await mollie.complete(trId, 'paid');
    const answers = await Promise.all(Array.from({ length: 8 }, () => ping(`id=${trId}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    await mollie.ping(trId);
    await pingsProcessed(trId, 10);
    expect(await outboxTypes(String(body.id))).toEqual(['payment.succeeded']);
    const rows = await inboxRows(trId);
    expect(rows.filter((r) => r.type === 'payment.ping')).toHaveLength(10);
    // One record of the fetched state however many pings fetched it.
    expect(rows.filter((r) => r.type === 'payment.fetched').map((r) => r.event_id)).toEqual([
      `fetched:${trId}:paid`,
    ]);
  });

  it('answers 200 to a ping for an id nobody knows and changes nothing', async () => {
    const before = await db.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".outbox`);
    const payments = await db.query(`SELECT id, status, updated_at FROM "${SCHEMA}".payments ORDER BY id`);
    const answer = await ping('id=tr_NoSuchPay1');
    expect(answer).toEqual({ status: 200, body: { received: true } });
    await pingsProcessed('tr_NoSuchPay1', 1);
    expect((await db.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".outbox`)).rows).toEqual(before.rows);
    expect(
      (await db.query(`SELECT id, status, updated_at FROM "${SCHEMA}".payments ORDER BY id`)).rows,
    ).toEqual(payments.rows);
    expect((await inboxRows('tr_NoSuchPay1')).filter((r) => r.type === 'payment.fetched')).toEqual([]);
  });

  it('refuses a ping without a Mollie payment id with 400 naming id, and stores nothing', async () => {
    const count = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".webhook_events`)).rows;
    const before = await count();
    const missing = await ping('foo=bar');
    const wrong = await ping('id=pi_123');
    expect([missing.status, wrong.status]).toEqual([400, 400]);
    expect(missing.body.error?.details?.fields?.map((f) => f.path)).toEqual(['id']);
    expect(await count()).toEqual(before);
  });

  it('keeps a failed payment failed, lets the guest pay again, and a later success confirms the new one', async () => {
    const { guestId, bookingId, body } = await molliePayment('ideal');
    const first = String(body.providerPaymentId);
    await mollie.complete(first, 'failed');
    await pingsProcessed(first, 1);
    expect(await paymentStatus(String(body.id))).toBe('failed');
    expect(await outboxTypes(String(body.id))).toEqual(['payment.failed']);
    // Mollie pinging the failed payment again changes nothing.
    await mollie.ping(first);
    await pingsProcessed(first, 2);
    expect(await outboxTypes(String(body.id))).toEqual(['payment.failed']);
    const retry = await requestPayment(guestId, bookingId, { provider: 'mollie', method: 'ideal' });
    expect(retry.status).toBe(201);
    expect(retry.body.id).not.toBe(body.id);
    expect(retry.body.providerPaymentId).not.toBe(first);
    await mollie.complete(String(retry.body.providerPaymentId), 'paid');
    await pingsProcessed(String(retry.body.providerPaymentId), 1);
    expect(await paymentStatus(String(retry.body.id))).toBe('succeeded');
    expect(await paymentStatus(String(body.id))).toBe('failed');
  });

  it.each(['canceled', 'expired'] as const)('records a %s checkout as payment.failed', async (outcome) => {
    const { body } = await molliePayment();
    await mollie.complete(String(body.providerPaymentId), outcome);
    await pingsProcessed(String(body.providerPaymentId), 1);
    expect(await paymentStatus(String(body.id))).toBe(outcome);
    expect(await outboxTypes(String(body.id))).toEqual(['payment.failed']);
  });
});
