import { Topics, dlqTopic, type EventEnvelope, topicsOfGroup } from '@rentguy/contracts';
import type { EntityManager } from 'typeorm';
import { buildEnvelope } from './event-envelope';
import { redriveDlq } from './dlq.redrive';
import { EventHandlerSetError } from './consumers/inbox.transport';
import type { KafkaProducer } from './kafka.client';
import type { ConsumerRetryOptions } from './messaging.options';
import { acquireKafkaShared, type Release } from '@rentguy/testing/messaging';
import {
  Cleanup,
  TopicReader,
  createTestSchema,
  metricValue,
  paymentSucceeded,
  randomName,
  rawProducer,
  startMessagingApp,
  testKafka,
  testLogLevels,
  testTopicPrefix,
  waitFor,
  type PaymentSucceededHandler,
  type TestApp,
  type TestSchema,
} from '@rentguy/testing/messaging';

const logLevels = testLogLevels(process.env.MESSAGING_TEST_LOGS);
const kafka = testKafka();
const cleanup = new Cleanup();
let release: Release;
let producer: KafkaProducer;

beforeAll(async () => {
  release = await acquireKafkaShared();
  producer = await rawProducer(kafka);
});
afterEach(() => cleanup.run());
afterAll(async () => {
  await producer?.disconnect();
  await kafka.close();
  await release();
});

interface Setup {
  schema: TestSchema;
  topic: string;
  prefix: string;
  groupPrefix: string;
  /** The consumer group id (`rentals`, prefixed): names the inbox rows and the DLQ topic. */
  group: string;
  /** The running app, once `subscribe` has started it. */
  app: TestApp;
  effects(): Promise<{ event_id: string; attempt: number }[]>;
  inbox(): Promise<{ consumer: string; event_id: string }[]>;
}

/** A schema with an `effects` table (the handlers' visible effect) and a topic; no app yet. */
async function setup(): Promise<Setup> {
  const schema = await createTestSchema((s) => [
    `CREATE TABLE "${s}".effects (event_id uuid NOT NULL, attempt int NOT NULL)`,
  ]);
  cleanup.add(() => schema.drop());
  const prefix = testTopicPrefix();
  const topic = `${prefix}${Topics.payment}`;
  // Every topic the test app's group (rentals) reads must exist: topics are never auto-created.
  await kafka.ensureTopics(
    topicsOfGroup('rentals').map((name) => ({ topic: `${prefix}${name}`, numPartitions: 3 })),
  );
  const groupPrefix = `${randomName(6)}-`;
  return {
    schema,
    topic,
    prefix,
    groupPrefix,
    group: `${groupPrefix}rentals`,
    get app(): TestApp {
      throw new Error('subscribe() first');
    },
    effects: () => schema.query(`SELECT event_id, attempt FROM "${schema.name}".effects ORDER BY attempt`),
    inbox: () => schema.query(`SELECT consumer, event_id FROM "${schema.name}".inbox`),
  };
}

function recordEffect(
  schema: TestSchema,
  manager: EntityManager,
  event: EventEnvelope,
  attempt: number,
): Promise<unknown> {
  return manager.query(`INSERT INTO "${schema.name}".effects (event_id, attempt) VALUES ($1, $2)`, [
    event.id,
    attempt,
  ]);
}

/** Starts the app consuming as the test's `rentals` group, with `handle` as its handler. */
async function subscribe(
  s: Setup,
  handle: PaymentSucceededHandler,
  consumerRetry: Partial<ConsumerRetryOptions> = {},
): Promise<void> {
  const app = await startMessagingApp({
    schema: s.schema.name,
    relay: false,
    topicPrefix: s.prefix,
    groupPrefix: s.groupPrefix,
    consumerRetry: { backoff: { initialMs: 50, maxMs: 200 }, ...consumerRetry },
    logLevels,
    consume: handle,
  });
  cleanup.add(() => app.close());
  Object.defineProperty(s, 'app', { value: app });
}

async function send(
  topic: string,
  key: string,
  value: string | EventEnvelope,
  headers: Record<string, string> = {},
): Promise<void> {
  await producer.send({
    topic,
    acks: -1,
    messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value), headers }],
  });
}

function paymentEnvelope(): EventEnvelope<'payment.succeeded'> {
  const data = paymentSucceeded();
  return buildEnvelope('payment.succeeded', data.paymentId, data);
}

describe('idempotent consumer (inbox)', () => {
  it('applies an event delivered twice only once', async () => {
    const s = await setup();
    let calls = 0;
    await subscribe(s, async (event, manager) => {
      calls += 1;
      await recordEffect(s.schema, manager, event, calls);
    });

    const event = paymentEnvelope();
    const marker = paymentEnvelope();
    await send(s.topic, event.aggregateId, event);
    await send(s.topic, event.aggregateId, event);
    await send(s.topic, event.aggregateId, marker); // same partition, after the duplicate

    await waitFor(async () => (await s.effects()).some((e) => e.event_id === marker.id), {
      what: 'the marker event',
    });
    expect((await s.effects()).filter((e) => e.event_id === event.id)).toHaveLength(1);
    expect(calls).toBe(2);
    expect(await s.inbox()).toEqual(
      expect.arrayContaining([
        { consumer: s.group, event_id: event.id },
        { consumer: s.group, event_id: marker.id },
      ]),
    );
    const consumed = (outcome: string) =>
      metricValue(s.app.metrics, 'kafka_messages_consumed_total', {
        topic: s.topic,
        type: 'payment.succeeded',
        outcome,
      });
    expect(await consumed('processed')).toBe(2);
    expect(await consumed('duplicate')).toBe(1);
  });

  it('retries a handler that fails once and applies the event once', async () => {
    const s = await setup();
    let attempts = 0;
    await subscribe(s, async (event, manager) => {
      attempts += 1;
      if (attempts === 1) {
        throw new Error('transient failure');
      }
      await recordEffect(s.schema, manager, event, attempts);
    });

    const event = paymentEnvelope();
    await send(s.topic, event.aggregateId, event);

    await waitFor(async () => (await s.effects()).length === 1, { what: 'the effect' });
    expect(await s.effects()).toEqual([{ event_id: event.id, attempt: 2 }]);
    expect(attempts).toBe(2);
  });

  it('reruns a deadlocked transaction instead of counting it as a handler failure', async () => {
    const s = await setup();
    let attempts = 0;
    // One handler attempt allowed: a deadlock counted as a failure would dead-letter the event.
    await subscribe(
      s,
      async (event, manager) => {
        attempts += 1;
        await recordEffect(s.schema, manager, event, attempts);
        if (attempts === 1) {
          // What PostgreSQL raises on the victim of a real deadlock.
          await manager.query(
            `DO $$ BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END $$`,
          );
        }
      },
      { maxAttempts: 1 },
    );

    const event = paymentEnvelope();
    await send(s.topic, event.aggregateId, event);

    await waitFor(async () => (await s.effects()).length === 1, { what: 'the effect' });
    expect(await s.effects()).toEqual([{ event_id: event.id, attempt: 2 }]);
    const deadLettered = await metricValue(s.app.metrics, 'kafka_dlq_total', {
      topic: s.topic,
      consumer: s.group,
    });
    expect(deadLettered ?? 0).toBe(0);
    expect(attempts).toBe(2);
  });

  it('rolls back the write and the inbox row of a failed attempt, so the retry applies it', async () => {
    const s = await setup();
    let attempts = 0;
    const inboxDuringFailure: unknown[][] = [];
    await subscribe(s, async (event, manager) => {
      attempts += 1;
      await recordEffect(s.schema, manager, event, attempts);
      if (attempts === 1) {
        inboxDuringFailure.push(await s.inbox()); // another connection: uncommitted rows are invisible
        throw new Error('failed after writing');
      }
    });

    const event = paymentEnvelope();
    await send(s.topic, event.aggregateId, event);

    await waitFor(async () => (await s.effects()).length > 0 && attempts >= 2, {
      what: 'the retried effect',
    });
    // Only the second attempt's write survived; had the inbox row of the first attempt survived,
    // the retry would have been skipped as a duplicate and no row would exist.
    expect(await s.effects()).toEqual([{ event_id: event.id, attempt: 2 }]);
    expect(await s.inbox()).toEqual([{ consumer: s.group, event_id: event.id }]);
    expect(inboxDuringFailure).toEqual([[]]);
  });

  it('dead-letters poison messages at once and moves on to the next message of the partition', async () => {
    const s = await setup();
    const handled: string[] = [];
    await subscribe(s, async (event, manager) => {
      handled.push(event.id);
      await recordEffect(s.schema, manager, event, 1);
    });
    const dlq = dlqTopic(s.topic, s.group);

    const valid = paymentEnvelope();
    const invalidPayload = { ...paymentEnvelope(), data: { paymentId: 'not-a-uuid' } };
    const key = valid.aggregateId; // one key: one partition, in this order
    await send(s.topic, key, 'this is {not json', {
      type: 'payment.succeeded',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    await send(s.topic, key, JSON.stringify(invalidPayload), { type: 'payment.succeeded' });
    await send(s.topic, key, valid);

    await waitFor(async () => (await s.effects()).length === 1, {
      what: 'the valid message after the poison ones',
    });
    expect(handled).toEqual([valid.id]);

    const reader = await TopicReader.start(kafka, [dlq]);
    cleanup.add(() => reader.stop());
    await waitFor(() => reader.messages.length === 2, { what: 'two dead letters' });
    const [notJson, badPayload] = reader.messages;
    expect(notJson.value).toBe('this is {not json');
    expect(notJson.key).toBe(key);
    expect(notJson.headers).toMatchObject({
      type: 'payment.succeeded',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-error': expect.stringContaining('not JSON'),
      'x-original-topic': s.topic,
      'x-original-partition': expect.stringMatching(/^\d$/),
      'x-original-offset': expect.stringMatching(/^\d+$/),
      'x-failed-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(badPayload.value).toBe(JSON.stringify(invalidPayload));
    expect(badPayload.headers['x-error']).toContain('invalid "payment.succeeded" payload');
    expect(Number(badPayload.headers['x-original-offset'])).toBe(
      Number(notJson.headers['x-original-offset']) + 1,
    );
    expect(await metricValue(s.app.metrics, 'kafka_dlq_total', { topic: s.topic, consumer: s.group })).toBe(
      2,
    );
  });

  it('dead-letters a message whose handler keeps failing, then redrives it once the handler is fixed', async () => {
    const s = await setup();
    const failing = paymentEnvelope();
    const next = paymentEnvelope();
    let broken = true;
    let attempts = 0;
    await subscribe(s, async (event, manager) => {
      attempts += 1;
      await recordEffect(s.schema, manager, event, attempts);
      if (broken && event.id === failing.id) {
        throw new Error('handler bug');
      }
    });
    const dlq = dlqTopic(s.topic, s.group);
    await send(s.topic, failing.aggregateId, failing);
    await send(s.topic, failing.aggregateId, next);

    // Three attempts, then the DLQ, then the partition moves on.
    await waitFor(async () => (await s.effects()).some((e) => e.event_id === next.id), {
      what: 'the next message',
    });
    broken = false;
    expect((await s.effects()).filter((e) => e.event_id === failing.id)).toEqual([]);
    const reader = await TopicReader.start(kafka, [dlq]);
    cleanup.add(() => reader.stop());
    await waitFor(() => reader.messages.length === 1, { what: 'the dead letter' });
    expect(reader.messages[0].headers['x-error']).toBe('Error: handler bug');
    expect(attempts).toBe(4); // 3 for the failing event, 1 for the next one

    const result = await redriveDlq(kafka, { group: s.group, topic: s.topic });
    expect(result).toEqual({ dlqTopic: dlq, redriven: 1, complete: true });
    await waitFor(async () => (await s.effects()).some((e) => e.event_id === failing.id), {
      what: 'the redriven event',
    });
    expect((await s.effects()).filter((e) => e.event_id === failing.id)).toHaveLength(1);

    // A second redrive finds nothing new: progress is committed.
    expect(await redriveDlq(kafka, { group: s.group, topic: s.topic })).toEqual({
      dlqTopic: dlq,
      redriven: 0,
      complete: true,
    });
  });

  it('acknowledges and skips event types the group has no handler for', async () => {
    const s = await setup();
    await subscribe(s, async (event, manager) => {
      await recordEffect(s.schema, manager, event, 1);
    });
    const failed = buildEnvelope('payment.failed', 'p-1', {
      paymentId: paymentSucceeded().paymentId,
      bookingId: paymentSucceeded().bookingId,
      provider: 'mollie',
      reason: 'card declined',
    });
    const succeeded = paymentEnvelope();
    await send(s.topic, 'same-key', failed);
    await send(s.topic, 'same-key', succeeded);

    await waitFor(async () => (await s.effects()).length === 1, { what: 'the handled event' });
    expect(await s.inbox()).toEqual([{ consumer: s.group, event_id: succeeded.id }]);
    expect(
      await metricValue(s.app.metrics, 'kafka_messages_consumed_total', {
        topic: s.topic,
        type: 'payment.failed',
        outcome: 'skipped',
      }),
    ).toBe(1);
  });

  it('finishes the message in flight before the app shuts down', async () => {
    const s = await setup();
    let releaseHandler!: () => void;
    const handlerMayFinish = new Promise<void>((resolve) => (releaseHandler = resolve));
    let handlerStarted = false;
    await subscribe(s, async (event, manager) => {
      handlerStarted = true;
      await handlerMayFinish;
      await recordEffect(s.schema, manager, event, 1);
    });
    const event = paymentEnvelope();
    await send(s.topic, event.aggregateId, event);
    await waitFor(() => handlerStarted, { what: 'the handler to start' });

    let closed = false;
    const closing = s.app.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    releaseHandler();
    await closing;

    expect(await s.effects()).toEqual([{ event_id: event.id, attempt: 1 }]);
  });
});

describe('consumer group boot checks', () => {
  it('refuses to start an app whose handlers do not match its consumer group', async () => {
    const schema = await createTestSchema();
    cleanup.add(() => schema.drop());
    const boot = startMessagingApp({
      schema: schema.name,
      relay: false,
      topicPrefix: testTopicPrefix(),
      groupPrefix: `${randomName(6)}-`,
      logLevels,
      consumerGroup: 'payments', // consumes booking events, but the app only handles payment.succeeded
      consume: async () => undefined,
    });
    await expect(boot).rejects.toThrow(EventHandlerSetError);
    await expect(boot).rejects.toThrow(
      /no @OnEvent\('booking\.held'\) handler.*a handler for "payment\.succeeded", which the group does not consume/,
    );
  });
});
