import { randomUUID } from 'node:crypto';
import { EventValidationError, Topics, type EventData } from '@rentguy/contracts';
import { OutboxTransactionError } from './outbox.writer';
import { acquireKafkaShared, type Release } from '@rentguy/testing/messaging';
import { queueTesting } from '@rentguy/testing/queue';
import {
  Cleanup,
  TopicReader,
  createTestSchema,
  metricValue,
  paymentSucceeded,
  startMessagingApp,
  testKafka,
  testLogLevels,
  testTopicPrefix,
  topicMessageCount,
  waitFor,
  type TestApp,
  type TestAppOptions,
  type TestSchema,
} from '@rentguy/testing/messaging';

const logLevels = testLogLevels(process.env.MESSAGING_TEST_LOGS);
const kafka = testKafka();
const cleanup = new Cleanup();
let release: Release;

beforeAll(async () => {
  release = await acquireKafkaShared();
});
afterEach(() => cleanup.run());
afterAll(async () => {
  await kafka.close();
  await release();
});

interface Setup {
  schema: TestSchema;
  prefix: string;
  topic: string;
  app: TestApp;
}

async function setup(options: Partial<TestAppOptions> = {}): Promise<Setup> {
  const schema = await createTestSchema();
  cleanup.add(() => schema.drop());
  const prefix = testTopicPrefix();
  const topic = `${prefix}${Topics.payment}`;
  await kafka.ensureTopics([{ topic, numPartitions: 3 }]);
  const app = await startMessagingApp({
    schema: schema.name,
    relay: true,
    topicPrefix: prefix,
    logLevels,
    ...options,
  });
  cleanup.add(() => app.close());
  return { schema, prefix, topic, app };
}

async function commit(
  app: TestApp,
  events: { key: string; data: EventData<'payment.succeeded'> }[],
): Promise<string[]> {
  return app.dataSource.transaction(async (manager) => {
    const ids: string[] = [];
    for (const { key, data } of events) {
      ids.push((await app.writer.add(manager, 'payment.succeeded', key, data)).id);
    }
    return ids;
  });
}

async function readTopic(topic: string): Promise<TopicReader> {
  const reader = await TopicReader.start(kafka, [topic]);
  cleanup.add(() => reader.stop());
  return reader;
}

describe('transactional outbox', () => {
  it('publishes committed events in order per key, marks them, and never publishes a rolled-back transaction', async () => {
    const { schema, topic, app } = await setup();
    const reader = await readTopic(topic);

    const rolledBack: string[] = [];
    await expect(
      app.dataSource.transaction(async (manager) => {
        for (let i = 0; i < 3; i += 1) {
          rolledBack.push(
            (await app.writer.add(manager, 'payment.succeeded', 'key-a', paymentSucceeded())).id,
          );
        }
        throw new Error('business rule failed after writing the events');
      }),
    ).rejects.toThrow('business rule failed');

    const keys = ['key-a', 'key-b', 'key-c'];
    const written = new Map<string, string[]>(keys.map((key) => [key, []]));
    for (let round = 0; round < 5; round += 1) {
      // Interleave keys across transactions and inside them.
      const ids = await commit(
        app,
        keys.flatMap((key) => [0, 1].map(() => ({ key, data: paymentSucceeded() }))),
      );
      ids.forEach((id, i) => written.get(keys[Math.floor(i / 2)])?.push(id));
    }
    const total = keys.length * 10;

    await waitFor(() => reader.messages.length >= total, { what: `${total} messages` });
    for (const key of keys) {
      const received = reader.messages
        .filter((m) => m.key === key)
        .map((m) => JSON.parse(m.value ?? '{}').id as string);
      expect(received).toEqual(written.get(key));
    }
    expect(reader.eventIds().filter((id) => rolledBack.includes(id))).toEqual([]);
    const headers = reader.messages[0]?.headers;
    expect(headers).toMatchObject({ type: 'payment.succeeded' });

    const rows = await schema.query<{ event_id: string; published_at: Date | null; attempts: number }>(
      `SELECT event_id, published_at, attempts FROM "${schema.name}".outbox ORDER BY id`,
    );
    expect(rows).toHaveLength(total);
    expect(rows.filter((r) => rolledBack.includes(r.event_id))).toEqual([]);
    await waitFor(
      async () => {
        const pending = await schema.query(
          `SELECT 1 FROM "${schema.name}".outbox WHERE published_at IS NULL`,
        );
        return pending.length === 0;
      },
      { what: 'every row marked published' },
    );
    expect(await topicMessageCount(kafka, topic)).toBe(total);
    expect(await metricValue(app.metrics, 'outbox_published_total', { topic })).toBe(total);
    expect(await metricValue(app.metrics, 'outbox_backlog')).toBe(0);
    expect(await metricValue(app.metrics, 'outbox_oldest_age_seconds')).toBe(0);
  });

  it('wakes the relay through LISTEN/NOTIFY right after commit (latency printed, not asserted)', async () => {
    // With a one-minute poll only NOTIFY can publish within the test's time.
    const { schema, topic, app } = await setup({ relayOptions: { pollIntervalMs: 60_000 } });
    await waitFor(() => app.relay?.isListening, { what: 'the relay to LISTEN' });
    const reader = await readTopic(topic);

    const latencies: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = process.hrtime.bigint();
      const [id] = await commit(app, [{ key: `key-${i % 3}`, data: paymentSucceeded() }]);
      await waitFor(
        async () =>
          (
            await schema.query(
              `SELECT 1 FROM "${schema.name}".outbox WHERE event_id = $1 AND published_at IS NOT NULL`,
              [id],
            )
          ).length === 1,
        { intervalMs: 2, timeoutMs: 15_000, what: `event ${i} published` },
      );
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    await waitFor(() => reader.messages.length === 20, { what: '20 messages on the topic' });

    const sorted = [...latencies].sort((a, b) => a - b);
    const pick = (q: number): string =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1);
    console.log(
      `outbox commit → published (acks=all) via NOTIFY over ${sorted.length} events: p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${pick(1)} ms`,
    );
  });

  it('publishes through the polling fallback when no NOTIFY arrives', async () => {
    const { schema, topic, app } = await setup({ relayOptions: { pollIntervalMs: 300 } });
    await schema.query(`ALTER TABLE "${schema.name}".outbox DISABLE TRIGGER outbox_notify`);
    const reader = await readTopic(topic);

    const ids = await commit(app, [
      { key: 'k', data: paymentSucceeded() },
      { key: 'k', data: paymentSucceeded() },
    ]);

    await waitFor(() => reader.messages.length === 2, { what: 'polled events on the topic' });
    expect(reader.eventIds()).toEqual(ids);
  });

  it('re-establishes LISTEN when its connection is killed', async () => {
    const { schema, topic, app } = await setup({
      relayOptions: { pollIntervalMs: 60_000, backoff: { initialMs: 100, maxMs: 500 } },
    });
    await waitFor(() => app.relay?.isListening, { what: 'the relay to LISTEN' });
    const reader = await readTopic(topic);

    const listeners = await schema.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1 AND query LIKE 'LISTEN%'`,
      [`%outbox-listener:${schema.name}`],
    );
    expect(listeners).toHaveLength(1);
    await schema.query('SELECT pg_terminate_backend($1)', [listeners[0].pid]);
    await waitFor(() => app.relay?.isListening === false, { what: 'the relay to notice' });
    await waitFor(() => app.relay?.isListening, { what: 'LISTEN to be re-established' });

    const ids = await commit(app, [{ key: 'k', data: paymentSucceeded() }]);
    await waitFor(() => reader.messages.length === 1, {
      timeoutMs: 15_000,
      what: 'the event, woken by NOTIFY',
    });
    expect(reader.eventIds()).toEqual(ids);
  });

  it('lets only one of two relays publish at a time: every event exactly once, in order per key', async () => {
    const { schema, prefix, topic, app } = await setup({
      relayOptions: { pollIntervalMs: 100, batchSize: 7 },
    });
    const second = await startMessagingApp({
      schema: schema.name,
      relay: true,
      topicPrefix: prefix,
      relayOptions: { pollIntervalMs: 100, batchSize: 7 },
      logLevels,
    });
    cleanup.add(() => second.close());
    const reader = await readTopic(topic);

    // Both apps write concurrently, each to its own keys: a key's order is its writer's commit order
    // (writers of one aggregate serialise on the aggregate's row anyway).
    const written = new Map<string, string[]>();
    const writers = [app, second];
    await Promise.all(
      writers.map(async (writerApp, w) => {
        for (let i = 0; i < 10; i += 1) {
          const key = `writer-${w}-key-${i % 2}`;
          const [id] = await commit(writerApp, [{ key, data: paymentSucceeded() }]);
          written.set(key, [...(written.get(key) ?? []), id]);
        }
      }),
    );

    await waitFor(async () => (await topicMessageCount(kafka, topic)) >= 20 && reader.messages.length >= 20, {
      what: '20 events',
    });
    const ids = reader.eventIds();
    expect(new Set(ids).size).toBe(20);
    expect(ids).toHaveLength(20);
    for (const [key, expected] of written) {
      expect(reader.messages.filter((m) => m.key === key).map((m) => JSON.parse(m.value ?? '{}').id)).toEqual(
        expected,
      );
    }
    const unpublished = await schema.query(
      `SELECT 1 FROM "${schema.name}".outbox WHERE published_at IS NULL`,
    );
    expect(unpublished).toEqual([]);
  });

  it('fails the producing transaction on an invalid payload or outside a transaction', async () => {
    const { schema, app } = await setup({ relay: false });
    await schema.query(`CREATE TABLE "${schema.name}".payments (id uuid PRIMARY KEY)`);

    const invalid = { ...paymentSucceeded(), amount: -1 };
    await expect(
      app.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO "${schema.name}".payments (id) VALUES ($1)`, [randomUUID()]);
        await app.writer.add(manager, 'payment.succeeded', invalid.paymentId, invalid);
      }),
    ).rejects.toThrow(EventValidationError);
    await expect(
      app.writer.add(app.dataSource.manager, 'payment.succeeded', 'k', paymentSucceeded()),
    ).rejects.toThrow(OutboxTransactionError);

    expect(await schema.query(`SELECT 1 FROM "${schema.name}".payments`)).toEqual([]);
    expect(await schema.query(`SELECT 1 FROM "${schema.name}".outbox`)).toEqual([]);
  });

  it('deletes published events past the retention period, and nothing else', async () => {
    const { schema, app } = await setup({ relayOptions: { retentionDays: 2 } });
    // Holding the relay lock (as a publishing replica would) keeps this relay from publishing.
    await schema.query('SELECT pg_advisory_lock(hashtext($1))', [`${schema.name}.outbox_relay`]);
    const insert = (publishedAt: string | null, createdAt = 'now()') =>
      schema.query<{ event_id: string }>(
        `INSERT INTO "${schema.name}".outbox (event_id, topic, key, type, payload, created_at, published_at)
         VALUES (gen_random_uuid(), 'unused', 'k', 'payment.succeeded', '{}', ${createdAt}, ${publishedAt ?? 'NULL'})
         RETURNING event_id`,
      );
    await insert("now() - interval '3 days'", "now() - interval '3 days'");
    const [recent] = await insert("now() - interval '1 day'", "now() - interval '1 day'");
    const [unpublished] = await insert(null, "now() - interval '5 days'");

    await expect(app.relay?.pruneRetention()).resolves.toBe(1);

    const left = await schema.query<{ event_id: string }>(`SELECT event_id FROM "${schema.name}".outbox`);
    expect(left.map((r) => r.event_id).sort()).toEqual([recent.event_id, unpublished.event_id].sort());
  });

  it('prunes on the maintenance queue it handles `outbox.prune` for, and skips where no relay runs', async () => {
    const { schema, prefix, app } = await setup({ maintenance: true, relayOptions: { retentionDays: 2 } });
    const insertPublished = async (daysAgo: number): Promise<string> => {
      const [row] = await schema.query<{ event_id: string }>(
        `INSERT INTO "${schema.name}".outbox (event_id, topic, key, type, payload, created_at, published_at)
         VALUES (gen_random_uuid(), 'unused', 'k', 'payment.succeeded', '{}', now() - make_interval(days => $1), now() - make_interval(days => $1))
         RETURNING event_id`,
        [daysAgo],
      );
      return row.event_id;
    };
    const left = async (): Promise<string[]> =>
      (await schema.query<{ event_id: string }>(`SELECT event_id FROM "${schema.name}".outbox`))
        .map((r) => r.event_id)
        .sort();
    await insertPublished(3);
    const recent = await insertPublished(1);

    // Through the queue, as the `payments-outbox-retention` scheduler adds it.
    const run = await queueTesting.runScheduledJobNow(app.app, 'payments-outbox-retention');

    expect(run).toMatchObject({ name: 'outbox.prune', state: 'completed', returnValue: { status: 'done' } });
    expect(await left()).toEqual([recent]);

    // A process that only writes events (no relay) works the queue too, but leaves pruning alone.
    const writer = await startMessagingApp({
      schema: schema.name,
      relay: false,
      topicPrefix: prefix,
      maintenance: true,
      logLevels,
    });
    cleanup.add(() => writer.close());
    const old = await insertPublished(3);

    const skipped = await queueTesting.runScheduledJobNow(writer.app, 'payments-outbox-retention');

    expect(skipped).toMatchObject({ state: 'completed', returnValue: { status: 'skipped' } });
    expect(await left()).toEqual([old, recent].sort());
  });

  it('reports kafka readiness for an app that relays its outbox', async () => {
    const { app } = await setup({ relay: true });
    const kafkaCheck = app.readiness.entries().find(([name]) => name === 'kafka')?.[1];
    expect(kafkaCheck).toBeDefined();
    await expect(kafkaCheck?.()).resolves.toBeUndefined();
  });

  it('leaves kafka out of readiness for an app that only writes outbox rows', async () => {
    const { app } = await setup({ relay: false });
    expect(app.readiness.entries().map(([name]) => name)).not.toContain('kafka');
  });
});
