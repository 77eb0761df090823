import { randomInt, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { Topics, type EventData, type EventType } from '@rentguy/contracts';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { paymentsSchema } from '@rentguy/payments/data-access';
import {
  MOLLIE_WEBHOOK_PATH,
  RefundService,
  STRIPE_WEBHOOK_PATH,
  WebhookInboxService,
} from '@rentguy/payments/feature';
import { startFakeMollie, type FakeMollie } from '@rentguy/testing/mollie-fake';
import { startFakeRentals, type FakeRentals } from '@rentguy/testing/payments';
import { testEnvironment, waitUntil } from '@rentguy/testing/platform';
import { queueTesting } from '@rentguy/testing/queue';
import { startFakeStripe, type FakeStripe } from '@rentguy/testing/stripe-fake';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// Refunds (issue 6 §2–§3): the payments app as it boots, real PostgreSQL and Kafka, both providers
// faked at their HTTP APIs and driven through their official SDKs. Rentals' events (booking.held,
// booking.cancelled with its quote, booking.payment-rejected) are produced onto Kafka as rentals
// writes them.
const { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, kafkaBrokers: KAFKA_BROKERS } = testEnvironment();
const JWT_KID = 'it';
const JWT_SECRET = 'payments-refunds-integration-test-secret-0123';
const WEBHOOK_SECRET = 'whsec_payments_refunds_int';
const letters = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
const SCHEMA = `payments_it_${letters(10)}`;
const TOPIC_PREFIX = `test.${letters(10)}.`;
const QUEUE_PREFIX = queueTesting.randomPrefix();

type Provider = 'stripe' | 'mollie';

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; details?: { fields?: { path: string }[] } } };
}

let stripe: FakeStripe;
let mollie: FakeMollie;
let rentals: FakeRentals;
let app: NestFastifyApplication;
let baseUrl: string;
let db: Client;
let kafka: KafkaClient;
let producer: ReturnType<KafkaClient['producer']>;

async function tokenFor(userId: string, role: 'guest' | 'admin' = 'guest'): Promise<string> {
  return new SignJWT({ role, email: `${userId.slice(0, 8)}@example.com`, name: 'Ada' })
    .setProtectedHeader({ alg: 'HS256', kid: JWT_KID })
    .setSubject(userId)
    .setIssuer('rentguy')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function post(
  path: string,
  userId: string,
  body: unknown,
  role: 'guest' | 'admin' = 'guest',
): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(userId, role)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function publish<T extends EventType>(
  type: T,
  aggregateId: string,
  data: EventData<T>,
  id = randomUUID(),
): Promise<void> {
  await producer.send({
    topic: `${TOPIC_PREFIX}${Topics.booking}`,
    messages: [
      {
        key: aggregateId,
        value: JSON.stringify({
          id,
          type,
          version: 1,
          occurredAt: new Date().toISOString(),
          aggregateId,
          data,
        }),
        headers: { type },
      },
    ],
  });
}

interface PaidBooking {
  guestId: string;
  held: EventData<'booking.held'>;
  paymentId: string;
  providerPaymentId: string;
}

async function holdBooking(guestId: string, totalAmount: number): Promise<EventData<'booking.held'>> {
  const held: EventData<'booking.held'> = {
    bookingId: randomUUID(),
    propertyId: randomUUID(),
    hostId: randomUUID(),
    guestId,
    guestEmail: 'guest@example.com',
    checkIn: '2027-03-01',
    checkOut: '2027-03-04',
    totalAmount,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  };
  await publish('booking.held', held.bookingId, held);
  await waitUntil(
    async () =>
      (await db.query(`SELECT 1 FROM "${SCHEMA}".booking_projection WHERE booking_id = $1`, [held.bookingId]))
        .rowCount === 1,
    { timeoutMs: 30_000, description: 'booking.held in the projection' },
  );
  return held;
}

async function startPayment(provider: Provider, totalAmount = 36_000): Promise<PaidBooking> {
  const guestId = randomUUID();
  const held = await holdBooking(guestId, totalAmount);
  const answer = await post(
    `/v1/bookings/${held.bookingId}/payments`,
    guestId,
    provider === 'mollie' ? { provider, method: 'ideal' } : { provider },
  );
  expect(answer.status).toBe(201);
  return {
    guestId,
    held,
    paymentId: String(answer.body.id),
    providerPaymentId: String(answer.body.providerPaymentId),
  };
}

async function paidBooking(provider: Provider, totalAmount = 36_000): Promise<PaidBooking> {
  const booking = await startPayment(provider, totalAmount);
  if (provider === 'stripe') {
    await stripe.succeed(booking.providerPaymentId);
  } else {
    await mollie.complete(booking.providerPaymentId, 'paid');
  }
  await waitUntil(async () => (await payment(booking.paymentId)).status === 'succeeded', {
    timeoutMs: 30_000,
    description: `payment ${booking.paymentId} succeeded`,
  });
  return booking;
}

function cancelled(
  booking: PaidBooking,
  cancelledBy: 'guest' | 'host' | 'admin',
  refundAmount: number,
): EventData<'booking.cancelled'> {
  const paid = booking.held.totalAmount;
  return {
    bookingId: booking.held.bookingId,
    propertyId: booking.held.propertyId,
    propertyTitle: 'Canal house',
    hostId: booking.held.hostId,
    guestId: booking.guestId,
    guestEmail: booking.held.guestEmail,
    guestName: 'Ada',
    checkIn: booking.held.checkIn,
    checkOut: booking.held.checkOut,
    previousStatus: 'confirmed',
    cancelledBy,
    locale: 'en',
    quote: {
      refundAmount,
      currency: 'EUR',
      policy: 'moderate',
      policyVersion: 1,
      asOf: new Date().toISOString(),
      breakdown: {
        paid,
        accommodation: refundAmount,
        cleaningFee: 0,
        serviceFee: 0,
        tax: 0,
        accommodationBps: 5_000,
        hoursBeforeCheckIn: 48,
        basis: cancelledBy === 'guest' ? 'policy' : 'full',
      },
    },
  };
}

interface PaymentRow {
  status: string;
  refund_committed: number;
  refunded_amount: number;
}

async function payment(id: string): Promise<PaymentRow> {
  const { rows } = await db.query<PaymentRow>(
    `SELECT status, refund_committed, refunded_amount FROM "${SCHEMA}".payments WHERE id = $1`,
    [id],
  );
  return rows[0] ?? { status: 'missing', refund_committed: 0, refunded_amount: 0 };
}

interface RefundRow {
  id: string;
  status: string;
  amount: number;
  reason: string;
  provider_refund_id: string | null;
}

async function refundsOf(paymentId: string): Promise<RefundRow[]> {
  const { rows } = await db.query<RefundRow>(
    `SELECT id, status, amount, reason, provider_refund_id FROM "${SCHEMA}".refunds WHERE payment_id = $1 ORDER BY created_at`,
    [paymentId],
  );
  return rows;
}

async function refundEvents(paymentId: string): Promise<{ type: string; amount: number; reason: string }[]> {
  const { rows } = await db.query<{ type: string; amount: number; reason: string }>(
    `SELECT type, (payload->'data'->>'amount')::int AS amount, payload->'data'->>'reason' AS reason
       FROM "${SCHEMA}".outbox WHERE type LIKE 'refund.%' AND payload->'data'->>'paymentId' = $1 ORDER BY id`,
    [paymentId],
  );
  return rows;
}

async function idle(): Promise<void> {
  await app.get(RefundService).whenIdle();
  await app.get(WebhookInboxService).whenIdle();
}

async function waitForRefunds(paymentId: string, count: number, status?: string): Promise<RefundRow[]> {
  await waitUntil(
    async () => {
      const refunds = await refundsOf(paymentId);
      return refunds.length >= count && (status === undefined || refunds.every((r) => r.status === status));
    },
    { timeoutMs: 30_000, description: `${count} refund(s) of ${paymentId}${status ? ` ${status}` : ''}` },
  );
  await idle();
  return refundsOf(paymentId);
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const values = await app.get(MetricsRegistry).registry.getSingleMetric(name)?.get();
  const value = values?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

async function reconcileNow(): Promise<void> {
  await queueTesting.runScheduledJobNow(app, 'payments-reconciliation', 30_000);
  await idle();
}

beforeAll(async () => {
  db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  await migrateSchema(
    { ...paymentsSchema, name: SCHEMA },
    { url: DATABASE_URL, applicationName: 'payments-refunds-it' },
  );
  kafka = new KafkaClient({ clientId: 'payments-refunds-it-admin', brokers: KAFKA_BROKERS });
  await kafka.ensureTopics(
    [Topics.booking, Topics.payment, Topics.refund].map((topic) => ({
      topic: `${TOPIC_PREFIX}${topic}`,
      numPartitions: 3,
      replicationFactor: 1,
    })),
  );
  producer = kafka.producer();
  await producer.connect();
  stripe = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  mollie = await startFakeMollie();
  rentals = await startFakeRentals({ jwtSecret: JWT_SECRET });
  const config = loadConfig(appConfig, {
    env: {
      LOG_LEVEL: process.env['PAYMENTS_TEST_LOGS'] ? 'debug' : 'silent',
      DATABASE_URL,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      JWT_KEYS: `${JWT_KID}:${JWT_SECRET}`,
      STRIPE_SECRET_KEY: 'sk_test_payments_refunds_int',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: stripe.url,
      STRIPE_TIMEOUT_MS: '2000',
      MOLLIE_API_KEY: 'test_paymentsRefundsIntegration0123',
      MOLLIE_API_BASE_URL: mollie.apiUrl,
      PUBLIC_WEB_URL: 'https://web.example.com/payments/return',
      PUBLIC_BASE_URL: 'https://api.example.com',
      RENTALS_URL: rentals.url,
      REDIS_URL,
      WEBHOOK_SWEEP_INTERVAL_MS: '500',
      // Reconciliation is driven by the tests (reconcileNow), and looks at everything requested.
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_PENDING_AFTER_MS: '1',
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
  stripe.setWebhookUrl(`${baseUrl}${STRIPE_WEBHOOK_PATH}`);
  mollie.setWebhookUrl(`${baseUrl}${MOLLIE_WEBHOOK_PATH}`);
}, 120_000);

afterAll(async () => {
  if (app) {
    await queueTesting.obliterateQueues(app);
  }
  await app?.close();
  await stripe?.close();
  await mollie?.close();
  await rentals?.close();
  await producer?.disconnect();
  await kafka?.close();
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.end();
}, 60_000);

describe('refunds on cancellation', () => {
  it('refunds a host cancellation in full through Stripe, with our refund id as idempotency key', async () => {
    const booking = await paidBooking('stripe');
    await publish('booking.cancelled', booking.held.bookingId, cancelled(booking, 'host', 36_000));
    const [refund] = await waitForRefunds(booking.paymentId, 1, 'succeeded');
    expect(refund).toMatchObject({
      amount: 36_000,
      reason: 'host_cancelled',
      provider_refund_id: expect.stringMatching(/^re_/),
    });
    const atStripe = stripe.refunds().find((r) => r.id === refund?.provider_refund_id);
    expect(atStripe).toMatchObject({ amount: 36_000, metadata: { refundId: refund?.id } });
    expect(
      stripe.requests.filter((r) => r.path === '/v1/refunds' && r.idempotencyKey === refund?.id),
    ).toHaveLength(1);
    expect(await payment(booking.paymentId)).toEqual({
      status: 'refunded',
      refund_committed: 36_000,
      refunded_amount: 36_000,
    });
    // Stripe's refund.created and charge.refunded webhooks arrive too: nothing happens twice.
    await stripe.settled();
    await idle();
    expect(await refundEvents(booking.paymentId)).toEqual([
      { type: 'refund.succeeded', amount: 36_000, reason: 'host_cancelled' },
    ]);
  });

  it('refunds a guest cancellation under the quote through Mollie: requested, then succeeded on the ping', async () => {
    const booking = await paidBooking('mollie');
    await publish('booking.cancelled', booking.held.bookingId, cancelled(booking, 'guest', 18_000));
    const [requested] = await waitForRefunds(booking.paymentId, 1, 'requested');
    await waitUntil(
      async () => ((await refundsOf(booking.paymentId))[0]?.provider_refund_id ?? null) !== null,
      {
        timeoutMs: 30_000,
        description: 'refund submitted to Mollie',
      },
    );
    const atMollie = mollie.refunds().find((r) => r.paymentId === booking.providerPaymentId);
    expect(atMollie).toMatchObject({
      amount: { currency: 'EUR', value: '180.00' },
      metadata: { refundId: requested?.id },
    });
    expect(await payment(booking.paymentId)).toMatchObject({ status: 'succeeded', refund_committed: 18_000 });
    await mollie.settleRefund(String(atMollie?.id), 'refunded');
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
    expect(await payment(booking.paymentId)).toEqual({
      status: 'partially_refunded',
      refund_committed: 18_000,
      refunded_amount: 18_000,
    });
    expect(await refundEvents(booking.paymentId)).toEqual([
      { type: 'refund.succeeded', amount: 18_000, reason: 'guest_cancelled' },
    ]);
  });

  it('requests one refund however often booking.cancelled is delivered', async () => {
    const booking = await paidBooking('stripe');
    const event = cancelled(booking, 'guest', 10_000);
    // A redelivery of the same event, and a second event for the same cancellation.
    const id = randomUUID();
    await publish('booking.cancelled', booking.held.bookingId, event, id);
    await publish('booking.cancelled', booking.held.bookingId, event, id);
    await publish('booking.cancelled', booking.held.bookingId, event);
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
    await waitUntil(
      async () =>
        (
          await db.query(`SELECT 1 FROM "${SCHEMA}".inbox WHERE consumer = 'payments' AND event_id = $1`, [
            id,
          ])
        ).rowCount === 1,
      { timeoutMs: 30_000, description: 'the events consumed' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await idle();
    expect(await refundsOf(booking.paymentId)).toHaveLength(1);
    expect(stripe.refunds().filter((r) => r.payment_intent === booking.providerPaymentId)).toHaveLength(1);
  });

  it('withdraws the payment in flight at Stripe when an unpaid hold is cancelled', async () => {
    const booking = await startPayment('stripe');
    await publish('booking.cancelled', booking.held.bookingId, {
      ...cancelled(booking, 'guest', 0),
      previousStatus: 'held',
    });
    await waitUntil(async () => (await payment(booking.paymentId)).status === 'canceled', {
      timeoutMs: 30_000,
      description: 'the payment canceled',
    });
    expect(stripe.paymentIntents().find((pi) => pi.id === booking.providerPaymentId)?.status).toBe(
      'canceled',
    );
    expect(await refundsOf(booking.paymentId)).toEqual([]);
  });

  it('refunds a payment rentals rejected (dates taken) in full, with reason dates_unavailable', async () => {
    const booking = await paidBooking('mollie', 24_000);
    await publish('booking.payment-rejected', booking.held.bookingId, {
      bookingId: booking.held.bookingId,
      paymentId: booking.paymentId,
      amount: 24_000,
      currency: 'EUR',
      reason: 'dates_unavailable',
    });
    const [refund] = await waitForRefunds(booking.paymentId, 1);
    expect(refund).toMatchObject({ amount: 24_000, reason: 'dates_unavailable' });
  });
});

describe('goodwill refunds and the refunded ≤ captured invariant', () => {
  it('lets an admin refund part of a payment, refuses more than is left with 409, and validates the body', async () => {
    const booking = await paidBooking('stripe', 10_000);
    const admin = randomUUID();
    const path = `/v1/admin/payments/${booking.paymentId}/refunds`;
    const first = await post(path, admin, { amount: 4_000, reason: 'noisy neighbours' }, 'admin');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      paymentId: booking.paymentId,
      amount: 4_000,
      reason: 'goodwill',
      status: 'requested',
    });
    const tooMuch = await post(path, admin, { amount: 6_001, reason: 'more' }, 'admin');
    expect(tooMuch.status).toBe(409);
    const unknownField = await post(path, admin, { amount: 1, reason: 'x', extra: true }, 'admin');
    expect(unknownField.status).toBe(400);
    // The validation pipe names an unknown key in the message of the body's issue.
    expect(JSON.stringify(unknownField.body.error?.details?.fields)).toContain('extra');
    const guest = await post(path, booking.guestId, { amount: 1, reason: 'me' });
    expect(guest.status).toBe(403);
    await waitForRefunds(booking.paymentId, 1, 'succeeded');
    const { rows } = await db.query<{ requested_by: string; note: string }>(
      `SELECT requested_by, note FROM "${SCHEMA}".refunds WHERE payment_id = $1`,
      [booking.paymentId],
    );
    expect(rows).toEqual([{ requested_by: admin, note: 'noisy neighbours' }]);
    expect(await payment(booking.paymentId)).toMatchObject({
      status: 'partially_refunded',
      refunded_amount: 4_000,
    });
  });

  it('never commits refunds above what was captured, however many requests race', async () => {
    const booking = await paidBooking('mollie', 10_000);
    const admin = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        post(
          `/v1/admin/payments/${booking.paymentId}/refunds`,
          admin,
          { amount: 3_000, reason: 'race' },
          'admin',
        ),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    const row = await payment(booking.paymentId);
    expect(row.refund_committed).toBe(9_000);
    // The constraint itself refuses a total above the amount, whatever the application does.
    await expect(
      db.query(`UPDATE "${SCHEMA}".payments SET refund_committed = 10001 WHERE id = $1`, [booking.paymentId]),
    ).rejects.toThrow(/payments_refunds_within_amount/);
  });
});

describe('reconciliation of refunds', () => {
  it('learns a Mollie refund that settled without a ping, and counts the repair', async () => {
    const booking = await paidBooking('mollie');
    await publish('booking.cancelled', booking.held.bookingId, cancelled(booking, 'host', 36_000));
    await waitForRefunds(booking.paymentId, 1, 'requested');
    await waitUntil(
      async () => ((await refundsOf(booking.paymentId))[0]?.provider_refund_id ?? null) !== null,
      {
        timeoutMs: 30_000,
        description: 'refund submitted to Mollie',
      },
    );
    const before = await metric('payments_reconciliation_repairs_total', {
      provider: 'mollie',
      kind: 'refund_status',
    });
    // The ping is lost: Mollie's webhook points nowhere while the refund settles.
    mollie.setWebhookUrl('http://127.0.0.1:9/nowhere');
    try {
      const refund = mollie.refunds().find((r) => r.paymentId === booking.providerPaymentId);
      await mollie.settleRefund(String(refund?.id), 'refunded').catch(() => undefined);
    } finally {
      mollie.setWebhookUrl(`${baseUrl}${MOLLIE_WEBHOOK_PATH}`);
    }
    expect((await refundsOf(booking.paymentId))[0]?.status).toBe('requested');
    await reconcileNow();
    expect((await refundsOf(booking.paymentId))[0]?.status).toBe('succeeded');
    expect(await payment(booking.paymentId)).toMatchObject({ status: 'refunded', refunded_amount: 36_000 });
    expect(
      await metric('payments_reconciliation_repairs_total', { provider: 'mollie', kind: 'refund_status' }),
    ).toBe(before + 1);
    // Another round finds nothing to repair.
    await reconcileNow();
    expect(await refundEvents(booking.paymentId)).toHaveLength(1);
  });
});
