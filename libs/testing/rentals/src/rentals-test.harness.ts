// Integration-test harness of the rentals app: the app as it boots (its own `createApp`, passed in:
// a library cannot import an app), against the test environment's database, Redis and Kafka.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Topics, type Role } from '@rentguy/contracts';
import { loadConfig, type ConfigComposition, type ConfigOf } from '@rentguy/platform/config';
import { httpConfig } from '@rentguy/platform/http';
import { InboxTransport, KafkaClient } from '@rentguy/platform/messaging';
import { queueTesting } from '@rentguy/testing/queue';
import { testEnvironment, testJwtEnv, testSigningKey } from '@rentguy/testing/platform';
import { migrateSchema } from '@rentguy/platform/database';
import { rentalsSchema } from '@rentguy/rentals/data-access';
import type { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { startFakePayments, type FakePayments } from './fake-payments.server';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export function testUser(role: Role, name = `${role} ${randomUUID().slice(0, 4)}`): TestUser {
  const id = randomUUID();
  return { id, role, name, email: `${role}-${id.slice(0, 8)}@example.test` };
}

/**
 * The app module options a test run passes: its own topic prefix, BullMQ and cache prefixes, and no outbox
 * relay (other test files share the rentals outbox table and publish their own events).
 */
export interface RentalsTestIsolation {
  messaging: { topicPrefix: string; relay: false };
  queue: { prefix: string };
  cache: { prefix: string };
}

/** The rentals app as the harness builds it: its config composition and its `createApp`. */
export interface RentalsApp<C extends ConfigComposition> {
  config: C;
  create(config: ConfigOf<C>, isolation: RentalsTestIsolation): Promise<NestFastifyApplication>;
}

export interface RentalsTestApp<Config> {
  app: NestFastifyApplication;
  http: FastifyInstance;
  config: Config;
  dataSource: DataSource;
  /** Prefix of every Kafka topic this app consumes. */
  topicPrefix: string;
  /** Redis key prefix of this app's BullMQ queues. */
  queuePrefix: string;
  /** The payments this app asks which holds are paid (a fake of its service-only route). */
  payments: FakePayments;
  /** A bearer token the app accepts for `user`. */
  tokenFor(user: TestUser): Promise<string>;
  close(): Promise<void>;
}

export interface RentalsTestAppOptions {
  /** Variables over the harness's, e.g. `LOG_LEVEL: 'debug'` to see the app's logs. */
  env?: Record<string, string>;
}

let migrated: Promise<string[]> | undefined;

/** Applies the real rentals migrations to the test database once per test file. */
export function migrateTestDatabase(): Promise<string[]> {
  migrated ??= migrateSchema(rentalsSchema, {
    url: testEnvironment().databaseUrl,
    applicationName: 'rentals-int-test',
  });
  return migrated;
}

/**
 * Boots the rentals app with its own Kafka topic prefix and consumer group, BullMQ prefix and blob
 * directory, so test files never see each other's messages, jobs or files. The job schedulers are
 * off (interval 0): tests run a sweep with `queueTesting.runScheduledJobNow`.
 */
export async function startRentalsTestApp<C extends ConfigComposition>(
  rentals: RentalsApp<C>,
  options: RentalsTestAppOptions = {},
): Promise<RentalsTestApp<ConfigOf<C>>> {
  await migrateTestDatabase();
  const storageDir = await mkdtemp(join(tmpdir(), 'rentals-int-'));
  const suffix = randomUUID().slice(0, 8);
  const topicPrefix = `test.rentals.${suffix}.`;
  const queuePrefix = queueTesting.randomPrefix();
  const env = testEnvironment();
  const payments = await startFakePayments({ token: `rentals-test-service-token-${randomUUID()}` });
  const config = loadConfig(rentals.config, {
    env: {
      LOG_LEVEL: 'silent',
      DATABASE_URL: env.databaseUrl,
      DATABASE_POOL_SIZE: '10',
      REDIS_URL: env.redisUrl,
      CACHE_REDIS_URL: env.redisUrl,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      ...testJwtEnv(),
      PUBLIC_BASE_URL: 'http://gateway.test',
      BLOB_STORAGE_DIR: storageDir,
      PAYMENTS_URL: payments.url,
      PAYMENTS_SERVICE_TOKEN: payments.token,
      HOLD_EXPIRY_SWEEP_MS: '0',
      HOLD_CROSS_CHECK_MS: '0',
      PENDING_JOBS_SWEEP_MS: '0',
      OUTBOX_RETENTION_INTERVAL_MS: '0',
      CALENDAR_SYNC_INTERVAL_MS: '0',
      ANALYTICS_REFRESH_INTERVAL_MS: '0',
      KAFKA_GROUP_PREFIX: `test-${suffix}-`,
      UPLOAD_LIMIT_BYTES: String(256 * 1024),
      ...options.env,
    },
  });

  const kafka = new KafkaClient({ clientId: `rentals-int-test-${suffix}`, brokers: env.kafkaBrokers });
  try {
    await kafka.ensureTopics(
      Object.values(Topics).map((topic) => ({
        topic: `${topicPrefix}${topic}`,
        numPartitions: 1,
        replicationFactor: 1,
      })),
    );
  } finally {
    await kafka.close();
  }

  const app = await rentals.create(config, {
    messaging: { topicPrefix, relay: false },
    queue: { prefix: queuePrefix },
    cache: { prefix: queuePrefix },
  });
  await app.init();
  const http = app.getHttpAdapter().getInstance();
  await http.ready();
  await app.get(InboxTransport).ready();

  const { JWT_ISSUER } = app.get<ConfigOf<typeof httpConfig>>(httpConfig.token);
  return {
    app,
    http,
    config,
    dataSource: app.get(DataSource),
    topicPrefix,
    queuePrefix,
    payments,
    tokenFor: (user) => testSigningKey.sign(user, { issuer: JWT_ISSUER }),
    close: async () => {
      try {
        await queueTesting.obliterateQueues(app);
      } finally {
        await app.close();
        await payments.close();
        await rm(storageDir, { recursive: true, force: true });
      }
    },
  };
}

/** A property row straight through SQL, for tests that are not about creating one. */
export async function insertTestProperty(
  dataSource: DataSource,
  overrides: Partial<{
    id: string;
    hostId: string;
    nightlyPrice: number;
    cleaningFee: number;
    maxGuests: number;
    title: string;
    city: string;
    country: string;
    published: boolean;
    minNights: number;
    maxNights: number;
  }> = {},
): Promise<{ id: string; hostId: string; title: string; nightlyPrice: number }> {
  const property = {
    id: overrides.id ?? randomUUID(),
    hostId: overrides.hostId ?? randomUUID(),
    title: overrides.title ?? 'Canal house',
    nightlyPrice: overrides.nightlyPrice ?? 10_000,
    cleaningFee: overrides.cleaningFee ?? 0,
    maxGuests: overrides.maxGuests ?? 4,
  };
  await dataSource.query(
    `INSERT INTO rentals.properties (id, host_id, title, description, city, country, nightly_price, currency,
                                     max_guests, cleaning_fee, published, min_nights, max_nights)
     VALUES ($1, $2, $3, 'A test property', $7, $8, $4, 'EUR', $5, $6, $9, $10, $11)`,
    [
      property.id,
      property.hostId,
      property.title,
      property.nightlyPrice,
      property.maxGuests,
      property.cleaningFee,
      overrides.city ?? 'Amsterdam',
      overrides.country ?? 'NL',
      overrides.published ?? true,
      overrides.minNights ?? 1,
      overrides.maxNights ?? 365,
    ],
  );
  return property;
}

/** A host block `[from, to)` on a property, as the calendar will write it. */
export async function insertTestBlock(
  dataSource: DataSource,
  propertyId: string,
  from: string,
  to: string,
): Promise<string> {
  const id = randomUUID();
  await dataSource.query(
    `INSERT INTO rentals.blocks (id, property_id, starts_on, ends_on, note) VALUES ($1, $2, $3, $4, 'test block')`,
    [id, propertyId, from, to],
  );
  return id;
}

/** ISO date `days` days from today (UTC). */
export function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The principal the AuthGuard would derive from `user`'s token. */
export const principalOf = (user: TestUser) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
});

/** Outbox rows of one aggregate and type, oldest first, with their envelopes parsed. */
export async function outboxEvents(
  dataSource: DataSource,
  type: string,
  aggregateId: string,
): Promise<{ id: string; type: string; aggregateId: string; data: Record<string, unknown> }[]> {
  const rows = (await dataSource.query(
    `SELECT payload FROM rentals.outbox WHERE type = $1 AND key = $2 ORDER BY id`,
    [type, aggregateId],
  )) as { payload: { id: string; type: string; aggregateId: string; data: Record<string, unknown> } }[];
  return rows.map((r) => r.payload);
}
