import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Topics, type EventEnvelope, topicsOfGroup } from '@rentguy/contracts';
import { acquireKafkaExclusive, type Release } from '@rentguy/testing/messaging';
import { testEnvironment } from '@rentguy/testing/platform';
import {
  Cleanup,
  TopicReader,
  createTestSchema,
  metricValue,
  paymentSucceeded,
  randomName,
  startMessagingApp,
  testKafka,
  testLogLevels,
  testTopicPrefix,
  topicMessageCount,
  waitFor,
  type TestApp,
} from '@rentguy/testing/messaging';

// Stops the shared local broker (tools/infra) and starts it again; holds the Kafka lock exclusively
// so the other messaging test files never run against a stopped broker. The broker is left running.

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const INFRA = path.join(REPO_ROOT, 'tools/infra/infra.mjs');
const logLevels = testLogLevels(process.env.MESSAGING_TEST_LOGS);
const cleanup = new Cleanup();
let release: Release | undefined;
let brokerStopped = false;

// Through the CLI (which calls the exported up()/down()): jest's module system cannot import an
// ES module with top-level await. The CLI reads the apps' variable names; they point at the tests'.
async function infra(command: 'up' | 'down'): Promise<void> {
  const { databaseUrl, redisUrl, kafkaBrokers } = testEnvironment();
  await promisify(execFile)(process.execPath, [INFRA, command], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: kafkaBrokers.join(','),
    },
  });
}

beforeAll(async () => {
  release = await acquireKafkaExclusive();
}, 310_000);

afterAll(async () => {
  try {
    await cleanup.run();
  } finally {
    if (brokerStopped) {
      await infra('up'); // a failed test must not leave the other suites without a broker
    }
    await release?.();
  }
}, 180_000);

function kafkaReady(app: TestApp): Promise<unknown> | undefined {
  return app.readiness
    .entries()
    .find(([name]) => name === 'kafka')?.[1]();
}

describe('outbox during a Kafka outage', () => {
  it('keeps committed events while the broker is down and publishes each exactly once when it returns', async () => {
    const schema = await createTestSchema((s) => [`CREATE TABLE "${s}".effects (event_id uuid NOT NULL)`]);
    cleanup.add(() => schema.drop());
    const prefix = testTopicPrefix();
    const topic = `${prefix}${Topics.payment}`;
    const setupKafka = testKafka();
    cleanup.add(() => setupKafka.close());
    // Every topic the test app's group (rentals) reads must exist: topics are never auto-created.
    await setupKafka.ensureTopics(
      topicsOfGroup('rentals').map((name) => ({ topic: `${prefix}${name}`, numPartitions: 3 })),
    );

    const app = await startMessagingApp({
      schema: schema.name,
      relay: true,
      topicPrefix: prefix,
      relayOptions: { pollIntervalMs: 200, backoff: { initialMs: 200, maxMs: 2_000 } },
      logLevels,
      // A consumer in the same app rides out the outage too.
      groupPrefix: `${randomName(6)}-`,
      consume: async (event, tx) => {
        await tx.query(`INSERT INTO "${schema.name}".effects (event_id) VALUES ($1)`, [event.id]);
      },
    });
    cleanup.add(() => app.close());
    const effects = async (): Promise<string[]> =>
      (await schema.query<{ event_id: string }>(`SELECT event_id FROM "${schema.name}".effects`)).map(
        (r) => r.event_id,
      );
    const commit = (count: number): Promise<EventEnvelope[]> =>
      app.dataSource.transaction(async (manager) => {
        const written: EventEnvelope[] = [];
        for (let i = 0; i < count; i += 1) {
          const data = paymentSucceeded();
          written.push(await app.writer.add(manager, 'payment.succeeded', `key-${i % 4}`, data));
        }
        return written;
      });

    const before = await commit(5);
    await waitFor(async () => (await effects()).length === 5, { what: 'the events before the outage' });

    await infra('down');
    brokerStopped = true;
    await expect(kafkaReady(app)).rejects.toThrow();

    const during = [...(await commit(10)), ...(await commit(10))];
    const duringIds = during.map((e) => e.id);
    // The relay has tried, failed and recorded why; nothing is marked published.
    await waitFor(
      async () => {
        const rows = await schema.query<{ attempts: number; last_error: string | null }>(
          `SELECT attempts, last_error FROM "${schema.name}".outbox WHERE event_id = ANY($1::uuid[])`,
          [duringIds],
        );
        return rows.length === 20 && rows.every((r) => r.attempts >= 1 && r.last_error !== null);
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'failed publish attempts to be recorded' },
    );
    const published = await schema.query(
      `SELECT 1 FROM "${schema.name}".outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL`,
      [duringIds],
    );
    expect(published).toEqual([]);
    expect(await metricValue(app.metrics, 'outbox_publish_failures_total')).toBeGreaterThan(0);
    expect(await metricValue(app.metrics, 'outbox_backlog')).toBe(20);

    await infra('up');
    brokerStopped = false;
    // The local broker keeps its log dir across a restart: the topic and its first 5 events are still there.
    const afterKafka = testKafka();
    cleanup.add(() => afterKafka.close());
    const reader = await TopicReader.start(afterKafka, [topic]);
    cleanup.add(() => reader.stop());

    await waitFor(
      async () =>
        (await schema.query(`SELECT 1 FROM "${schema.name}".outbox WHERE published_at IS NULL`)).length === 0,
      { timeoutMs: 90_000, intervalMs: 200, what: 'the backlog to be published' },
    );
    // Nothing publishes a row twice once it is marked, so the topic's content is final now: the 5
    // events from before the outage (kept by the broker) and the 20 of the backlog, each once.
    const allIds = [...before, ...during].map((e) => e.id);
    expect(await topicMessageCount(afterKafka, topic)).toBe(25);
    await waitFor(() => reader.messages.length === 25, { what: '25 messages on the topic' });
    expect([...reader.eventIds()].sort()).toEqual([...allIds].sort());

    // The consumer came back as well and applied every event exactly once.
    await waitFor(async () => (await effects()).length >= allIds.length, {
      timeoutMs: 90_000,
      what: 'the consumer to catch up',
    });
    expect((await effects()).sort()).toEqual([...allIds].sort());
    await expect(kafkaReady(app)).resolves.toBeUndefined();
  }, 300_000);
});
