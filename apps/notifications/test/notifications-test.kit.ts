// What notifications' integration specs share: the app's environment against the test
// infrastructure, event builders, and a freshly migrated schema.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { EventData, EventEnvelope, EventType } from '@rentguy/contracts';
import { notificationsSchema } from '@rentguy/notifications/data-access';
import { migrateSchema } from '@rentguy/platform/database';
import { testEnvironment, testJwtEnv } from '@rentguy/testing/platform';

export const WEB_URL = 'https://web.rentguy.test/app';
export const API_URL = 'https://api.rentguy.test';

/** The app's environment: the test database, Redis and Kafka, and an SMTP sink on `smtpPort`. */
export function notificationsTestEnv(smtpPort: number): Record<string, string> {
  const { databaseUrl, redisUrl, kafkaBrokers } = testEnvironment();
  return {
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    DATABASE_SLOW_QUERY_MS: '1000',
    REDIS_URL: redisUrl,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    ...testJwtEnv(),
    PUBLIC_WEB_URL: WEB_URL,
    PUBLIC_BASE_URL: API_URL,
    UNSUBSCRIBE_SECRET: 'notifications-integration-unsubscribe-secret',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_FROM: 'RentGuy <no-reply@rentguy.test>',
    EMAIL_WORKER_CONCURRENCY: '5',
    // The shortest interval the config allows: the recovery tests wait for the sweep.
    EMAIL_SWEEP_INTERVAL_MS: '1000',
    EMAIL_SWEEP_MIN_AGE_MS: '60000',
  };
}

export function envelope<T extends EventType>(
  type: T,
  aggregateId: string,
  data: EventData<T>,
): EventEnvelope<T> {
  return { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), aggregateId, data };
}

export function bookingConfirmed(
  overrides: Partial<EventData<'booking.confirmed'>> = {},
): EventEnvelope<'booking.confirmed'> {
  const bookingId = randomUUID();
  return envelope('booking.confirmed', bookingId, {
    bookingId,
    propertyId: randomUUID(),
    propertyTitle: `Canal house ${randomUUID().slice(0, 6)}`,
    hostId: randomUUID(),
    guestId: randomUUID(),
    guestEmail: `guest-${randomUUID().slice(0, 8)}@example.com`,
    guestName: 'Ada Lovelace',
    checkIn: '2026-06-05',
    checkOut: '2026-06-08',
    totalAmount: 24_000,
    currency: 'EUR',
    locale: 'en',
    ...overrides,
  });
}

export function bookingHeld(
  overrides: Partial<EventData<'booking.held'>> = {},
): EventEnvelope<'booking.held'> {
  const bookingId = overrides.bookingId ?? randomUUID();
  return envelope('booking.held', bookingId, {
    bookingId,
    propertyId: randomUUID(),
    propertyTitle: `Dune cottage ${randomUUID().slice(0, 6)}`,
    hostId: randomUUID(),
    guestId: randomUUID(),
    guestEmail: `guest-${randomUUID().slice(0, 8)}@example.com`,
    guestName: 'Grace Hopper',
    checkIn: '2026-07-10',
    checkOut: '2026-07-12',
    totalAmount: 31_050,
    currency: 'EUR',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ...overrides,
  });
}

/** Drops the notifications schema of the test database and applies every migration again. */
export async function resetNotificationsSchema(): Promise<void> {
  const { databaseUrl } = testEnvironment();
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl });
  await dataSource.initialize();
  try {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${notificationsSchema.name} CASCADE`);
  } finally {
    await dataSource.destroy();
  }
  await migrateSchema(notificationsSchema, {
    url: databaseUrl,
    applicationName: 'notifications-int-test-migrate',
  });
}
