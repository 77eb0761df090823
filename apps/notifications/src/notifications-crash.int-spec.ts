import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics, jobId, type EventEnvelope } from '@rentguy/contracts';
import { loadConfig } from '@rentguy/platform/config';
import { KafkaClient } from '@rentguy/platform/messaging';
import { queueTesting } from '@rentguy/testing/queue';
import { startMailCatcher, testEnvironment, waitUntil, type MailCatcher } from '@rentguy/testing/platform';
import {
  bookingConfirmed,
  notificationsTestEnv,
  resetNotificationsSchema,
} from '../test/notifications-test.kit';
import type { AppModuleOptions } from './app.module';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// A notifications worker SIGKILLed while the SMTP relay holds its message (received, not yet
// answered): the relay never accepted it, the job's lock runs out, another worker takes the job over
// and the guest gets exactly one email. The killed worker is the app in a process of its own
// (apps/notifications/test/notifications.process.ts, run from source); the one that takes over
// runs in this test.
const root = join(__dirname, '..', '..', '..');

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
}

describe('notifications: a worker killed mid-send', () => {
  const topicPrefix = `test.notifcrash${randomUUID().slice(0, 8)}.`;
  const bookingTopic = `${topicPrefix}${Topics.booking}`;
  const options: AppModuleOptions = {
    messaging: { topicPrefix },
    queue: { prefix: queueTesting.randomPrefix() },
  };
  let catcher: MailCatcher;
  let kafka: KafkaClient;
  let producer: ReturnType<KafkaClient['producer']>;
  let env: Record<string, string>;
  let doomed: ChildProcess | undefined;
  let survivor: INestApplicationContext | undefined;

  beforeAll(async () => {
    await resetNotificationsSchema();
    catcher = await startMailCatcher();
    env = notificationsTestEnv(catcher.smtpPort);
    kafka = new KafkaClient({
      clientId: 'notifications-crash-test',
      brokers: testEnvironment().kafkaBrokers,
    });
    await kafka.ensureTopics([
      { topic: bookingTopic, numPartitions: 1 },
      { topic: `${topicPrefix}${Topics.user}`, numPartitions: 1 },
      { topic: `${topicPrefix}${Topics.payment}`, numPartitions: 1 },
      { topic: `${topicPrefix}${Topics.property}`, numPartitions: 1 },
    ]);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    doomed?.kill('SIGKILL');
    if (survivor) {
      await queueTesting.obliterateQueues(survivor);
      await survivor.close();
    }
    await producer?.disconnect();
    await kafka?.close();
    await catcher?.close();
  });

  it('sends exactly one email: the relay never accepted the killed attempt, the next worker sends it', async () => {
    doomed = await startWorkerProcess();
    const event = bookingConfirmed();
    catcher.misbehave({ kind: 'hold', to: event.data.guestEmail });

    await publish(event);
    await waitUntil(() => catcher.faults().some((fault) => fault.to.includes(event.data.guestEmail)), {
      timeoutMs: 30_000,
      description: 'the worker process to hand the message to the relay',
    });
    const exited = new Promise((resolve) => doomed?.once('exit', resolve));
    doomed.kill('SIGKILL');
    await exited;
    doomed = undefined;
    expect(catcher.messages()).toHaveLength(0);

    const nest = await createApp(loadConfig(appConfig, { env }), options);
    await nest.init();
    survivor = nest;
    const dataSource = nest.get(DataSource);

    // The lock of the killed worker's job expires (15 s) and the survivor's stalled check takes it over.
    await catcher.waitFor((mail) => mail.envelope.to.includes(event.data.guestEmail), 45_000);
    const delivery = await waitUntil(
      async () => {
        const [row]: DeliveryRow[] = await dataSource.query(
          `SELECT id, status, attempts FROM notifications.deliveries WHERE event_id = $1`,
          [event.id],
        );
        return row?.status === 'sent' ? row : undefined;
      },
      { timeoutMs: 10_000, description: 'the delivery to be marked sent' },
    );
    await queueTesting.waitForJobState(nest, 'email', jobId(delivery.id, 'email.send'), ['completed']);
    expect(delivery.attempts).toBe(2);
    expect(
      catcher.messages().filter((mail) => mail.envelope.to.includes(event.data.guestEmail)),
    ).toHaveLength(1);
  }, 90_000);

  /** The app in its own process, once its consumers and workers run. */
  async function startWorkerProcess(): Promise<ChildProcess> {
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(root, 'tools/test/swc-register.js'),
        join(root, 'apps/notifications/test/notifications.process.ts'),
        JSON.stringify({ env, options }),
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const output: string[] = [];
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('ready')) {
          resolve();
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`worker process exited with ${code}:\n${output.join('')}`)),
      );
    });
    return child;
  }

  async function publish(event: EventEnvelope): Promise<void> {
    await producer.send({
      topic: bookingTopic,
      messages: [{ key: event.aggregateId, value: JSON.stringify(event), headers: { type: event.type } }],
    });
  }
});
