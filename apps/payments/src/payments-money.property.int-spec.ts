import { randomInt, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { Topics, type EventData, type EventType } from '@rentguy/contracts';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { paymentsSchema } from '@rentguy/payments/data-access';
import {
  PaymentReconciliationService,
  RefundService,
  STRIPE_WEBHOOK_PATH,
  WebhookInboxService,
} from '@rentguy/payments/feature';
import { startFakeRentals, type FakeRentals } from '@rentguy/testing/payments';
import { testEnvironment, waitUntil } from '@rentguy/testing/platform';
import { queueTesting } from '@rentguy/testing/queue';
import { startFakeStripe, type FakeStripe } from '@rentguy/testing/stripe-fake';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// Money invariants under random interleavings (issue 6 §3): webhook deliveries (the provider's own,
// duplicated, reordered, concurrent), cancellations and reconciliation rounds, against the payments
// app with real PostgreSQL and Kafka and Stripe faked at its HTTP API. After every run:
// refunded ≤ captured; at most one payment of the booking keeps its money; every refund owed was
// requested exactly once; statuses only moved forward.
const { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, kafkaBrokers: KAFKA_BROKERS } = testEnvironment();
const JWT_KID = 'it';
const JWT_SECRET = 'payments-property-integration-test-secret-01';
const WEBHOOK_SECRET = 'whsec_payments_property_int';
const letters = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
const SCHEMA = `payments_it_${letters(10)}`;
const TOPIC_PREFIX = `test.${letters(10)}.`;
const QUEUE_PREFIX = queueTesting.randomPrefix();
const TOTAL = 30_000;

const PAYMENT_RANK: Record<string, number> = {
  created: 0,
  pending: 1,
  failed: 2,
  canceled: 2,
  expired: 2,
  succeeded: 3,
  partially_refunded: 4,
  refunded: 5,
};
const REFUND_RANK: Record<string, number> = { requested: 0, succeeded: 1, failed: 1 };

type Command =
  | { kind: 'succeed' }
  | { kind: 'fail' }
  | { kind: 'redeliver'; pick: number }
  | { kind: 'cancel'; by: 'guest' | 'host'; share: number }
  | { kind: 'reconcile' }
  | { kind: 'goodwill'; amount: number }
  | { kind: 'retry-payment' };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ kind: 'succeed' }),
  fc.constant<Command>({ kind: 'fail' }),
  fc.record({ kind: fc.constant('redeliver' as const), pick: fc.nat(20) }),
  fc.record({
    kind: fc.constant('cancel' as const),
    by: fc.constantFrom('guest' as const, 'host' as const),
    share: fc.integer({ min: 0, max: 10 }),
  }),
  fc.constant<Command>({ kind: 'reconcile' }),
  fc.record({ kind: fc.constant('goodwill' as const), amount: fc.integer({ min: 1, max: TOTAL }) }),
  fc.constant<Command>({ kind: 'retry-payment' }),
);

/** Batches of commands; the commands of one batch run concurrently. */
const scenario = fc.array(fc.array(command, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 });

let stripe: FakeStripe;
let rentals: FakeRentals;
let app: NestFastifyApplication;
let baseUrl: string;
let db: Client;
let kafka: KafkaClient;
let producer: ReturnType<KafkaClient['producer']>;

async function tokenFor(userId: string, role: 'guest' | 'admin'): Promise<string> {
  return new SignJWT({ role, email: `${userId.slice(0, 8)}@example.com`, name: 'Ada' })
    .setProtectedHeader({ alg: 'HS256', kid: JWT_KID })
    .setSubject(userId)
    .setIssuer('rentguy')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function post(path: string, userId: string, role: 'guest' | 'admin', body: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(userId, role)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function publish<T extends EventType>(
  type: T,
  aggregateId: string,
  data: EventData<T>,
): Promise<string> {
  const id = randomUUID();
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
  await waitUntil(
    async () => (await db.query(`SELECT 1 FROM "${SCHEMA}".inbox WHERE event_id = $1`, [id])).rowCount === 1,
    { timeoutMs: 30_000, description: `${type} consumed` },
  );
  return id;
}

interface Snapshot {
  payments: Map<string, string>;
  refunds: Map<string, string>;
}

async function snapshot(bookingId: string): Promise<Snapshot> {
  const payments = await db.query<{ id: string; status: string }>(
    `SELECT id, status FROM "${SCHEMA}".payments WHERE booking_id = $1`,
    [bookingId],
  );
  const refunds = await db.query<{ id: string; status: string }>(
    `SELECT id, status FROM "${SCHEMA}".refunds WHERE booking_id = $1`,
    [bookingId],
  );
  return {
    payments: new Map(payments.rows.map((r) => [r.id, r.status])),
    refunds: new Map(refunds.rows.map((r) => [r.id, r.status])),
  };
}

function assertForward(before: Snapshot, after: Snapshot): void {
  for (const [id, status] of before.payments) {
    const now = after.payments.get(id) ?? 'missing';
    const forward = (PAYMENT_RANK[now] ?? -1) > (PAYMENT_RANK[status] ?? 99) || now === status;
    expect({ payment: id, from: status, to: now, forward }).toMatchObject({ forward: true });
  }
  for (const [id, status] of before.refunds) {
    const now = after.refunds.get(id) ?? 'missing';
    const forward = (REFUND_RANK[now] ?? -1) > (REFUND_RANK[status] ?? 99) || now === status;
    expect({ refund: id, from: status, to: now, forward }).toMatchObject({ forward: true });
  }
}

async function quiesce(): Promise<void> {
  await stripe.settled();
  await app.get(WebhookInboxService).whenIdle();
  await app.get(RefundService).whenIdle();
  // Webhook rows whose in-process run lost a race are picked up by the sweep (every 200 ms here).
  await waitUntil(
    async () =>
      (
        await db.query(
          `SELECT 1 FROM "${SCHEMA}".webhook_events WHERE processed_at IS NULL AND attempts < 20`,
        )
      ).rowCount === 0,
    { timeoutMs: 30_000, description: 'the webhook inbox to drain' },
  );
  await app.get(RefundService).whenIdle();
}

async function run(batches: Command[][]): Promise<void> {
  const guestId = randomUUID();
  const admin = randomUUID();
  const held: EventData<'booking.held'> = {
    bookingId: randomUUID(),
    propertyId: randomUUID(),
    hostId: randomUUID(),
    guestId,
    guestEmail: 'guest@example.com',
    checkIn: '2027-03-01',
    checkOut: '2027-03-04',
    totalAmount: TOTAL,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  };
  await publish('booking.held', held.bookingId, held);
  const intents: string[] = [];
  const started = await post(`/v1/bookings/${held.bookingId}/payments`, guestId, 'guest', {
    provider: 'stripe',
  });
  expect(started.status).toBe(201);
  intents.push(String(started.body['providerPaymentId']));
  const cancels: { refundAmount: number; paidBefore: boolean }[] = [];
  let cancelled = false;

  const paidPayments = async () =>
    (
      await db.query<{ id: string }>(
        `SELECT id FROM "${SCHEMA}".payments WHERE booking_id = $1 AND status IN ('succeeded', 'partially_refunded', 'refunded')`,
        [held.bookingId],
      )
    ).rows;

  const execute = async (c: Command): Promise<void> => {
    const intent = intents[intents.length - 1] as string;
    switch (c.kind) {
      case 'succeed':
        // Refused by the fake when the intent is no longer payable (canceled): that is fine.
        await stripe.succeed(intent).catch(() => undefined);
        return;
      case 'fail':
        await stripe.fail(intent).catch(() => undefined);
        return;
      case 'redeliver': {
        const events = stripe.events();
        const event = events[c.pick % Math.max(events.length, 1)];
        if (event) {
          await stripe.redeliver(event.id).catch(() => undefined);
        }
        return;
      }
      case 'cancel': {
        const refundAmount = Math.floor((TOTAL * c.share) / 10);
        const paidBefore = (await paidPayments()).length > 0;
        await publish('booking.cancelled', held.bookingId, {
          bookingId: held.bookingId,
          propertyId: held.propertyId,
          propertyTitle: 'Canal house',
          hostId: held.hostId,
          guestId,
          guestEmail: held.guestEmail,
          guestName: 'Ada',
          checkIn: held.checkIn,
          checkOut: held.checkOut,
          previousStatus: paidBefore ? 'confirmed' : 'held',
          cancelledBy: c.by,
          locale: 'en',
          quote: {
            refundAmount: c.by === 'host' ? TOTAL : refundAmount,
            currency: 'EUR',
            policy: 'moderate',
            policyVersion: 1,
            asOf: new Date().toISOString(),
            breakdown: {
              paid: TOTAL,
              accommodation: 0,
              cleaningFee: 0,
              serviceFee: 0,
              tax: 0,
              accommodationBps: 0,
              hoursBeforeCheckIn: 48,
              basis: c.by === 'host' ? 'full' : 'policy',
            },
          },
        });
        cancels.push({ refundAmount: c.by === 'host' ? TOTAL : refundAmount, paidBefore });
        cancelled = true;
        return;
      }
      case 'reconcile':
        await app.get(PaymentReconciliationService).round();
        return;
      case 'goodwill': {
        const [paid] = await paidPayments();
        if (paid) {
          const answer = await post(`/v1/admin/payments/${paid.id}/refunds`, admin, 'admin', {
            amount: c.amount,
            reason: 'goodwill in a property test',
          });
          expect([201, 409]).toContain(answer.status);
        }
        return;
      }
      case 'retry-payment': {
        if (cancelled) {
          return;
        }
        const retry = await post(`/v1/bookings/${held.bookingId}/payments`, guestId, 'guest', {
          provider: 'stripe',
        });
        if (retry.status === 201) {
          intents.push(String(retry.body['providerPaymentId']));
        }
        return;
      }
    }
  };

  let before = await snapshot(held.bookingId);
  for (const batch of batches) {
    await Promise.all(batch.map(execute));
    await quiesce();
    const after = await snapshot(held.bookingId);
    assertForward(before, after);
    before = after;
  }
  await app.get(PaymentReconciliationService).round();
  await quiesce();
  assertForward(before, await snapshot(held.bookingId));

  // refunded ≤ captured, and the running totals are what the refund rows say.
  const payments = await db.query<{
    id: string;
    amount: number;
    status: string;
    refund_committed: number;
    refunded_amount: number;
    requested: number;
    succeeded: number;
  }>(
    `SELECT p.id, p.amount, p.status, p.refund_committed, p.refunded_amount,
            coalesce(sum(r.amount) FILTER (WHERE r.status IN ('requested', 'succeeded')), 0)::int AS requested,
            coalesce(sum(r.amount) FILTER (WHERE r.status = 'succeeded'), 0)::int AS succeeded
       FROM "${SCHEMA}".payments p LEFT JOIN "${SCHEMA}".refunds r ON r.payment_id = p.id
      WHERE p.booking_id = $1 GROUP BY p.id`,
    [held.bookingId],
  );
  for (const p of payments.rows) {
    expect(p.refunded_amount).toBeLessThanOrEqual(p.amount);
    expect(p.refund_committed).toBeLessThanOrEqual(p.amount);
    expect({ committed: p.refund_committed, refunded: p.refunded_amount }).toEqual({
      committed: p.requested,
      refunded: p.succeeded,
    });
  }
  // At most one payment of the booking keeps its money: a second success is refunded as a duplicate.
  const keeping = await db.query<{ id: string }>(
    `SELECT p.id FROM "${SCHEMA}".payments p
      WHERE p.booking_id = $1 AND p.status IN ('succeeded', 'partially_refunded', 'refunded')
        AND NOT EXISTS (SELECT 1 FROM "${SCHEMA}".refunds r WHERE r.payment_id = p.id AND r.reason = 'duplicate_payment')`,
    [held.bookingId],
  );
  expect(keeping.rows.length).toBeLessThanOrEqual(1);
  const paidCount = (await paidPayments()).length;
  const duplicates = await db.query(
    `SELECT owed_key FROM "${SCHEMA}".refunds WHERE booking_id = $1 AND reason = 'duplicate_payment'`,
    [held.bookingId],
  );
  expect(duplicates.rowCount).toBe(Math.max(0, paidCount - 1));
  // Every refund owed was requested exactly once: one per cancellation debt, and at Stripe exactly
  // one refund per refund row that reached it (idempotency key = our refund id).
  const cancelRefunds = await db.query<{ owed_key: string }>(
    `SELECT owed_key FROM "${SCHEMA}".refunds WHERE booking_id = $1 AND owed_key LIKE 'cancel:%'`,
    [held.bookingId],
  );
  const owedOnCancel = cancels.find((c) => c.paidBefore && c.refundAmount > 0);
  const firstCancel = cancels[0];
  if (owedOnCancel && firstCancel === owedOnCancel) {
    expect(cancelRefunds.rowCount).toBe(1);
  }
  expect(cancelRefunds.rowCount).toBeLessThanOrEqual(1);
  const ours = await db.query<{ id: string; provider_refund_id: string | null }>(
    `SELECT id, provider_refund_id FROM "${SCHEMA}".refunds WHERE booking_id = $1`,
    [held.bookingId],
  );
  for (const refund of ours.rows) {
    const atProvider = stripe.refunds().filter((r) => r.metadata?.['refundId'] === refund.id);
    expect(atProvider.length).toBeLessThanOrEqual(1);
    if (refund.provider_refund_id !== null) {
      expect(atProvider.map((r) => r.id)).toEqual([refund.provider_refund_id]);
    }
  }
}

beforeAll(async () => {
  db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  await migrateSchema(
    { ...paymentsSchema, name: SCHEMA },
    { url: DATABASE_URL, applicationName: 'payments-property-it' },
  );
  kafka = new KafkaClient({ clientId: 'payments-property-it-admin', brokers: KAFKA_BROKERS });
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
  rentals = await startFakeRentals({ jwtSecret: JWT_SECRET });
  const config = loadConfig(appConfig, {
    env: {
      LOG_LEVEL: process.env['PAYMENTS_TEST_LOGS'] ? 'debug' : 'silent',
      DATABASE_URL,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      JWT_KEYS: `${JWT_KID}:${JWT_SECRET}`,
      STRIPE_SECRET_KEY: 'sk_test_payments_property_int',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE_URL: stripe.url,
      STRIPE_TIMEOUT_MS: '2000',
      RENTALS_URL: rentals.url,
      REDIS_URL,
      WEBHOOK_SWEEP_INTERVAL_MS: '200',
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
}, 120_000);

afterAll(async () => {
  if (app) {
    await queueTesting.obliterateQueues(app);
  }
  await app?.close();
  await stripe?.close();
  await rentals?.close();
  await producer?.disconnect();
  await kafka?.close();
  await db?.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
  await db?.end();
}, 60_000);

describe('money invariants under random interleavings (fast-check)', () => {
  it('keeps refunded ≤ captured, one paid payment, each owed refund once, and statuses forward', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, (batches) => run(batches)),
      { numRuns: 12, endOnFailure: true },
    );
  }, 240_000);
});
