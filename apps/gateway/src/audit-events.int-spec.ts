import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Topics, dlqTopic, type EventEnvelope } from '@rentguy/contracts';
import { identitySchema } from '@rentguy/identity/data-access';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { testEnvironment, testJwtEnv, waitUntil } from '@rentguy/testing/platform';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The gateway as it boots, consuming other services' `audit.recorded` from a real Kafka topic
// (random prefix) into identity's audit log in PostgreSQL: once per event, bad messages to the DLQ.
const { kafkaBrokers, databaseUrl } = testEnvironment();
/** The group's id: no KAFKA_GROUP_PREFIX in this test, topics are prefixed instead. */
const GROUP = 'gateway';
const topicPrefix = `test.audit${randomUUID().slice(0, 8)}.`;
const auditTopic = `${topicPrefix}${Topics.audit}`;

let app: NestFastifyApplication;
let db: DataSource;
let kafka: KafkaClient;
let producer: ReturnType<KafkaClient['producer']>;

beforeAll(async () => {
  kafka = new KafkaClient({ clientId: 'gateway-audit-events-int-test', brokers: kafkaBrokers });
  await kafka.ensureTopics([{ topic: auditTopic, numPartitions: 3 }]);
  producer = kafka.producer();
  await producer.connect();
  const config = loadConfig(appConfig, {
    env: {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      ...testJwtEnv(),
      LOG_LEVEL: 'silent',
    },
  });
  await migrateSchema(identitySchema, {
    url: config.DATABASE_URL,
    applicationName: 'gateway-audit-events-migrate',
  });
  // Test files share identity's outbox table: this one relays none.
  app = await createApp(config, { messaging: { relay: false, topicPrefix } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  db = app.get(DataSource);
});

afterAll(async () => {
  await app?.close();
  await producer?.disconnect();
  await kafka?.close();
});

function hostCancel(bookingId: string = randomUUID()): EventEnvelope<'audit.recorded'> {
  const occurredAt = new Date().toISOString();
  return {
    id: randomUUID(),
    type: 'audit.recorded',
    version: 1,
    occurredAt,
    aggregateId: bookingId,
    data: {
      source: 'rentals',
      actor: { id: randomUUID(), role: 'host' },
      action: 'booking.cancelled_by_host',
      target: { type: 'booking', id: bookingId },
      ip: '203.0.113.9',
      requestId: `req-${randomUUID()}`,
      occurredAt,
      details: { refundAmount: 12_000, currency: 'EUR' },
    },
  };
}

async function send(key: string, value: string, type: string): Promise<void> {
  await producer.send({ topic: auditTopic, messages: [{ key, value, headers: { type } }] });
}

async function rowsOf(targetId: string): Promise<Record<string, unknown>[]> {
  return db.query(
    `SELECT id, actor_id, actor_role, action, target_type, target_id, ip, request_id, source, details
       FROM identity.audit_log WHERE target_id = $1`,
    [targetId],
  );
}

async function dlqMessages(): Promise<number> {
  try {
    const offsets = await kafka.topicOffsets(dlqTopic(auditTopic, GROUP));
    return offsets.reduce((sum, { high }) => sum + Number(high), 0);
  } catch {
    return 0;
  }
}

it('appends a reported action to the audit log once, however often it is delivered', async () => {
  const event = hostCancel();
  await send(event.aggregateId, JSON.stringify(event), event.type);
  await waitUntil(async () => (await rowsOf(event.aggregateId)).length > 0, {
    timeoutMs: 30_000,
    description: 'the audit entry of the host cancel',
  });
  // The same event again (a redelivery), then a second event as a marker that the first was handled.
  await send(event.aggregateId, JSON.stringify(event), event.type);
  const marker = hostCancel(event.aggregateId);
  await send(marker.aggregateId, JSON.stringify(marker), marker.type);
  await waitUntil(async () => (await rowsOf(event.aggregateId)).length === 2, {
    timeoutMs: 30_000,
    description: 'the marker entry',
  });
  const rows = await rowsOf(event.aggregateId);
  expect(rows.filter((row) => row['id'] === event.id)).toEqual([
    {
      id: event.id,
      actor_id: event.data.actor.id,
      actor_role: 'host',
      action: 'booking.cancelled_by_host',
      target_type: 'booking',
      target_id: event.aggregateId,
      ip: '203.0.113.9',
      request_id: event.data.requestId,
      source: 'rentals',
      details: { refundAmount: 12_000, currency: 'EUR' },
    },
  ]);
  expect(rows.map((row) => row['id']).sort()).toEqual([event.id, marker.id].sort());
});

it('dead-letters an invalid report and an unknown action, and records neither', async () => {
  const before = await dlqMessages();
  const invalid = hostCancel();
  const unknown = hostCancel();
  await send(
    invalid.aggregateId,
    JSON.stringify({ ...invalid, data: { ...invalid.data, ip: 42 } }),
    invalid.type,
  );
  await send(
    unknown.aggregateId,
    JSON.stringify({ ...unknown, data: { ...unknown.data, action: 'booking.deleted_everything' } }),
    unknown.type,
  );
  await send(randomUUID(), 'not json at all', 'audit.recorded');
  await waitUntil(async () => (await dlqMessages()) >= before + 3, {
    timeoutMs: 30_000,
    description: 'three messages on the DLQ',
  });
  expect(await rowsOf(invalid.aggregateId)).toEqual([]);
  expect(await rowsOf(unknown.aggregateId)).toEqual([]);
});
