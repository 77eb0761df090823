import { randomInt, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { Topics, type EventData, type EventType } from '@rentguy/contracts';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { paymentsSchema } from '@rentguy/payments/data-access';
import { startFakeRentals, type FakeRentals } from '@rentguy/testing/payments';
import { testEnvironment, testJwtEnv, testSigningKey, waitUntil } from '@rentguy/testing/platform';
import { queueTesting } from '@rentguy/testing/queue';
import { createApp } from '../src/bootstrap';
import { appConfig } from '../src/config';

/** A role of the tokens the test app accepts. */
export type TestRole = 'guest' | 'host' | 'admin';

const letters = (n: number) =>
  Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');

export interface PaymentsTestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  /** A connection of its own to the test database, for assertions. */
  db: Client;
  /** This run's schema (real migrations applied into it). */
  schema: string;
  /** A bearer token the app accepts for `userId`. */
  tokenFor(userId: string, role?: TestRole): Promise<string>;
  /** POSTs JSON as `userId`; answers the status and the parsed body. */
  post(path: string, userId: string, body: unknown, role?: TestRole): Promise<TestAnswer>;
  /** Produces a rentals event onto this run's booking topic, as rentals' relay would. */
  publish<T extends EventType>(
    type: T,
    aggregateId: string,
    data: EventData<T>,
    id?: string,
  ): Promise<string>;
  /** Waits until payments' consumer group has applied the event (its inbox row). */
  consumed(eventId: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; details?: { fields?: { path: string }[] } } };
}

/**
 * The payments app as it boots (createApp) for an integration test: real PostgreSQL (migrations
 * into a schema of this run), real Kafka (topics under a prefix of this run), BullMQ under a random
 * prefix, rentals' internal route served by a stand-in of its contract. `env` carries the
 * providers' settings (the fakes' URLs) and any override.
 */
export async function startPaymentsTestApp(env: Record<string, string>): Promise<PaymentsTestApp> {
  const { databaseUrl, redisUrl, kafkaBrokers } = testEnvironment();
  const schema = `payments_it_${letters(10)}`;
  const topicPrefix = `test.${letters(10)}.`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await migrateSchema(
    { ...paymentsSchema, name: schema },
    { url: databaseUrl, applicationName: 'payments-it' },
  );
  const kafka = new KafkaClient({ clientId: `payments-it-${letters(6)}`, brokers: kafkaBrokers });
  await kafka.ensureTopics(
    [Topics.booking, Topics.payment, Topics.refund, Topics.audit].map((topic) => ({
      topic: `${topicPrefix}${topic}`,
      numPartitions: 3,
      replicationFactor: 1,
    })),
  );
  const producer = kafka.producer();
  await producer.connect();
  const rentals: FakeRentals = await startFakeRentals({ key: testSigningKey });
  const config = loadConfig(appConfig, {
    env: {
      LOG_LEVEL: process.env['PAYMENTS_TEST_LOGS'] ? 'debug' : 'silent',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      ...testJwtEnv(),
      STRIPE_SECRET_KEY: 'sk_test_payments_it',
      STRIPE_WEBHOOK_SECRET: 'whsec_payments_it',
      STRIPE_API_BASE_URL: 'http://127.0.0.1:9',
      STRIPE_TIMEOUT_MS: '2000',
      PUBLIC_WEB_URL: 'https://web.example.com/payments/return',
      PUBLIC_BASE_URL: 'https://api.example.com',
      RENTALS_URL: rentals.url,
      REDIS_URL: redisUrl,
      WEBHOOK_SWEEP_INTERVAL_MS: '500',
      // Reconciliation is driven by the tests, and looks at everything in flight.
      RECONCILE_INTERVAL_MS: '0',
      RECONCILE_PENDING_AFTER_MS: '1',
      ...env,
    },
    envFile: false,
  });
  const app = await createApp(config, {
    schema,
    messaging: { topicPrefix },
    queue: { prefix: queueTesting.randomPrefix() },
  });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const tokenFor = (userId: string, role: TestRole = 'guest') =>
    testSigningKey.sign({ id: userId, role, email: `${userId.slice(0, 8)}@example.com`, name: 'Ada' });
  const consumed = async (eventId: string) => {
    await waitUntil(
      async () =>
        (await db.query(`SELECT 1 FROM "${schema}".inbox WHERE event_id = $1`, [eventId])).rowCount === 1,
      { timeoutMs: 30_000, description: `event ${eventId} consumed` },
    );
  };
  return {
    app,
    baseUrl,
    db,
    schema,
    tokenFor,
    consumed,
    post: async (path, userId, body, role = 'guest') => {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await tokenFor(userId, role)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as TestAnswer['body'] };
    },
    publish: async (type, aggregateId, data, id = randomUUID()) => {
      const occurredAt = new Date().toISOString();
      await producer.send({
        topic: `${topicPrefix}${Topics.booking}`,
        messages: [
          {
            key: aggregateId,
            value: JSON.stringify({ id, type, version: 1, occurredAt, aggregateId, data }),
            headers: { type },
          },
        ],
      });
      return id;
    },
    close: async () => {
      try {
        await queueTesting.obliterateQueues(app);
      } finally {
        await app.close();
        await rentals.close();
        await producer.disconnect();
        await kafka.close();
        await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await db.end();
      }
    },
  };
}

/** A held booking of `guestId` as rentals publishes it, already in payments' projection. */
export async function holdTestBooking(
  t: PaymentsTestApp,
  guestId: string,
  totalAmount: number,
): Promise<EventData<'booking.held'>> {
  const held: EventData<'booking.held'> = {
    bookingId: randomUUID(),
    propertyId: randomUUID(),
    propertyTitle: 'Canal house',
    hostId: randomUUID(),
    guestId,
    guestEmail: 'guest@example.com',
    guestName: 'Ada',
    checkIn: '2027-03-01',
    checkOut: '2027-03-04',
    totalAmount,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  };
  await t.consumed(await t.publish('booking.held', held.bookingId, held));
  return held;
}

/** `booking.cancelled` of a held booking as rentals writes it, with a quote refunding `refundAmount`. */
export function cancelledBooking(
  held: EventData<'booking.held'>,
  cancelledBy: 'guest' | 'host' | 'admin',
  refundAmount: number,
  previousStatus: 'held' | 'confirmed' = 'confirmed',
): EventData<'booking.cancelled'> {
  return {
    bookingId: held.bookingId,
    propertyId: held.propertyId,
    propertyTitle: held.propertyTitle,
    hostId: held.hostId,
    guestId: held.guestId,
    guestEmail: held.guestEmail,
    guestName: held.guestName,
    checkIn: held.checkIn,
    checkOut: held.checkOut,
    previousStatus,
    cancelledBy,
    locale: 'en',
    quote: {
      refundAmount,
      currency: held.currency,
      policy: 'moderate',
      policyVersion: 1,
      asOf: new Date().toISOString(),
      breakdown: {
        paid: previousStatus === 'confirmed' ? held.totalAmount : 0,
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
