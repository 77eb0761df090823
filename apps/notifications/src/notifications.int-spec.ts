import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Topics, jobId, type EventData, type EventEnvelope } from '@rentguy/contracts';
import { notificationsSchema } from '@rentguy/notifications/data-access';
import { DELIVERY_HEADER, DeliveryService } from '@rentguy/notifications/feature';
import { loadConfig } from '@rentguy/platform/config';
import { migrateSchema } from '@rentguy/platform/database';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { queueTesting } from '@rentguy/testing/queue';
import {
  freePort,
  startMailCatcher,
  testEnvironment,
  waitUntil,
  type CaughtMail,
  type MailCatcher,
} from '@rentguy/testing/platform';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The notifications app as it boots (createApp) against real PostgreSQL (the test database, real
// migrations), Redis (random BullMQ prefix), Kafka (random topic prefix) and an SMTP sink; only the
// clock of the retry backoff is shortened.
const { databaseUrl: DATABASE_URL, redisUrl: REDIS_URL, kafkaBrokers: BROKERS } = testEnvironment();
/** The group's id: no KAFKA_GROUP_PREFIX in this test, topics are prefixed instead. */
const NOTIFICATIONS_CONSUMER_GROUP = 'notifications';
const MAX_ATTEMPTS = 4;

interface DeliveryRow {
  id: string;
  event_id: string;
  recipient: string;
  locale: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  sent_at: Date | null;
}

describe('notifications: booking.confirmed → email', () => {
  const topicPrefix = `test.notif${randomUUID().slice(0, 8)}.`;
  const bookingTopic = `${topicPrefix}${Topics.booking}`;
  let smtpPort: number;
  let catcher: MailCatcher | undefined;
  let app: INestApplicationContext;
  let kafka: KafkaClient;
  let dataSource: DataSource;
  let producer: ReturnType<KafkaClient['producer']>;

  beforeAll(async () => {
    await resetSchema();
    smtpPort = await freePort();
    catcher = await startMailCatcher({ smtpPort });
    kafka = new KafkaClient({ clientId: 'notifications-int-test', brokers: BROKERS });
    await kafka.ensureTopics([{ topic: bookingTopic, numPartitions: 3 }]);
    producer = kafka.producer();
    await producer.connect();

    const config = loadConfig(appConfig, {
      env: {
        LOG_LEVEL: 'silent',
        DATABASE_URL,
        DATABASE_POOL_SIZE: '5',
        DATABASE_SLOW_QUERY_MS: '1000',
        REDIS_URL,
        KAFKA_BROKERS: BROKERS.join(','),
        JWT_KEYS: 'notifications-int:notifications-integration-secret-32+',
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        MAIL_FROM: 'RentGuy <no-reply@rentguy.test>',
        EMAIL_WORKER_CONCURRENCY: '5',
        // The shortest interval the config allows: the recovery test waits for the sweep.
        EMAIL_SWEEP_INTERVAL_MS: '1000',
        EMAIL_SWEEP_MIN_AGE_MS: '60000',
      },
    });
    const nest = await createApp(config, {
      messaging: { topicPrefix },
      queue: {
        prefix: queueTesting.randomPrefix(),
        jobDefaults: { email: { attempts: MAX_ATTEMPTS, backoff: { type: 'fixed', delayMs: 300 } } },
      },
    });
    await nest.init();
    app = nest;
    dataSource = app.get(DataSource);
    await waitForConsumerToJoin();
  });

  afterAll(async () => {
    if (app) {
      await queueTesting.obliterateQueues(app);
      await app.close();
    }
    await producer?.disconnect();
    await kafka?.close();
    await catcher?.close();
  });

  it('emails the guest one English confirmation with the total in euros', async () => {
    const event = bookingConfirmed({ totalAmount: 24_000, currency: 'EUR', locale: 'en' });

    await publish(event);

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.subject).toBe(`Your booking at ${event.data.propertyTitle} is confirmed`);
    expect(mail.from).toBe('no-reply@rentguy.test');
    expect(mail.text).toContain(`Hi ${event.data.guestName},`);
    expect(mail.text).toContain('Total paid: €240.00');
    expect(mail.text).toContain('Check-in: Fri, 5 June 2026');
    expect(mail.html).toContain('€240.00');
    const delivery = await settledDelivery(event.id);
    expect(delivery).toMatchObject({
      status: 'sent',
      attempts: 1,
      recipient: event.data.guestEmail,
      locale: 'en',
    });
    expect(mail.headers[DELIVERY_HEADER.toLowerCase()]).toBe(delivery.id);
    expect(mail.headers['message-id']).toBe(`<${delivery.id}@rentguy.test>`);
    expect(delivery.provider_message_id).toBe(`<${delivery.id}@rentguy.test>`);
  });

  it('writes to a Dutch guest in Dutch', async () => {
    const event = bookingConfirmed({ totalAmount: 24_000, currency: 'EUR', locale: 'nl' });

    await publish(event);

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.subject).toBe(`Je boeking bij ${event.data.propertyTitle} is bevestigd`);
    expect(mail.text).toContain(`Hoi ${event.data.guestName},`);
    expect(mail.text).toContain('Totaal betaald: €\u00a0240,00');
    expect(mail.html).toContain('<html lang="nl">');
  });

  it('escapes what the guest and host typed in the HTML part', async () => {
    const event = bookingConfirmed({
      guestName: '<img src=x onerror=alert(1)>',
      propertyTitle: 'Loft & <b>view</b>',
    });

    await publish(event);

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.html).not.toContain('<img src=x');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.html).toContain('Loft &amp; &lt;b&gt;view&lt;/b&gt;');
  });

  it('sends one email when the same event is delivered twice', async () => {
    const event = bookingConfirmed();

    await publish(event);
    await publish(event);

    await mailsTo(event.data.guestEmail, 1);
    await consumerCaughtUp();
    const delivery = await settledDelivery(event.id);
    await queueTesting.waitForJobState(app, 'email', jobId(delivery.id, 'email.send'), ['completed']);
    expect(mailsFor(event.data.guestEmail)).toHaveLength(1);
    expect(await deliveriesOf(event.id)).toHaveLength(1);
  });

  it('sends one email when the event gets past the inbox a second time (the ledger holds)', async () => {
    const event = bookingConfirmed();
    await publish(event);
    await mailsTo(event.data.guestEmail, 1);
    const first = await settledDelivery(event.id);
    // As if the inbox row had been purged, or another consumer group had consumed the same event.
    await dataSource.query(`DELETE FROM notifications.inbox WHERE consumer = $1 AND event_id = $2`, [
      NOTIFICATIONS_CONSUMER_GROUP,
      event.id,
    ]);

    await publish(event);

    await waitUntil(
      async () =>
        (await dataSource.query(`SELECT 1 FROM notifications.inbox WHERE event_id = $1`, [event.id])).length >
        0,
      { timeoutMs: 15_000, description: 'the redelivered event to pass the inbox' },
    );
    await consumerCaughtUp();
    expect(await deliveriesOf(event.id)).toEqual([
      expect.objectContaining({ id: first.id, status: 'sent', attempts: 1 }),
    ]);
    // Even a job that runs again for the delivery (its job expired, a sweep re-enqueued it) sends nothing.
    await expect(app.get(DeliveryService).send(first.id, { isFinalAttempt: false })).resolves.toEqual({
      status: 'skipped',
      reason: 'delivery is already sent',
    });
    expect(mailsFor(event.data.guestEmail)).toHaveLength(1);
  });

  it('picks up a delivery whose enqueue was lost (crash between commit and enqueue)', async () => {
    const event = bookingConfirmed();
    const deliveryId = randomUUID();
    await dataSource.query(
      `INSERT INTO notifications.deliveries (id, event_id, template, recipient, locale, subject, payload, created_at)
       VALUES ($1, $2, 'booking-confirmed', $3, 'en', $4, $5, now() - interval '2 minutes')`,
      [
        deliveryId,
        event.id,
        event.data.guestEmail,
        `Your booking at ${event.data.propertyTitle} is confirmed`,
        JSON.stringify({ ...event.data, locale: undefined, guestEmail: undefined }),
      ],
    );

    const [mail] = await mailsTo(event.data.guestEmail, 1);

    expect(mail.headers[DELIVERY_HEADER.toLowerCase()]).toBe(deliveryId);
    expect(await settledDelivery(event.id)).toMatchObject({ id: deliveryId, status: 'sent' });
  });

  it('retries while the SMTP relay is down and delivers once it is back', async () => {
    await stopCatcher();
    const event = bookingConfirmed();

    await publish(event);

    const failing = await waitUntil(
      async () => {
        const [row] = await deliveriesOf(event.id);
        return row && row.attempts >= 1 && row.last_error ? row : undefined;
      },
      { timeoutMs: 15_000, description: 'a failed first attempt' },
    );
    expect(failing.status).toBe('pending');
    catcher = await startMailCatcher({ smtpPort });

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.subject).toContain(event.data.propertyTitle);
    const delivery = await settledDelivery(event.id);
    expect(delivery.status).toBe('sent');
    expect(delivery.attempts).toBeGreaterThanOrEqual(2);
    expect(delivery.last_error).toBeNull();
    await queueTesting.waitForJobState(app, 'email', jobId(delivery.id, 'email.send'), ['completed']);
    expect(mailsFor(event.data.guestEmail)).toHaveLength(1);
  });

  it('marks the delivery failed after the last attempt and counts it', async () => {
    await stopCatcher();
    const failedBefore = await counterValue('emails_failed_total');
    const event = bookingConfirmed();

    await publish(event);

    const delivery = await waitUntil(
      async () => {
        const [row] = await deliveriesOf(event.id);
        return row?.status === 'failed' ? row : undefined;
      },
      { timeoutMs: 20_000, description: 'the delivery to fail for good' },
    );
    expect(delivery.attempts).toBe(MAX_ATTEMPTS);
    expect(delivery.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(await counterValue('emails_failed_total')).toBe(failedBefore + 1);

    // A failed delivery stays failed: nothing is sent once the relay is back, even if the job returns.
    catcher = await startMailCatcher({ smtpPort });
    await expect(app.get(DeliveryService).send(delivery.id, { isFinalAttempt: false })).resolves.toEqual({
      status: 'skipped',
      reason: 'delivery is already failed',
    });
    expect(mailsFor(event.data.guestEmail)).toHaveLength(0);
  });

  it('recovers a delivery left pending after its job failed for good (the final ledger write was lost)', async () => {
    await stopCatcher();
    const event = bookingConfirmed();
    await publish(event);
    const failed = await settledDelivery(event.id);
    expect(failed.status).toBe('failed');
    await queueTesting.waitForJobState(app, 'email', jobId(failed.id, 'email.send'), ['failed']);
    // As if the worker had died before recording the final failure, long enough ago for the sweep.
    await dataSource.query(
      `UPDATE notifications.deliveries SET status = 'pending', created_at = now() - interval '2 minutes' WHERE id = $1`,
      [failed.id],
    );

    catcher = await startMailCatcher({ smtpPort });

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.headers[DELIVERY_HEADER.toLowerCase()]).toBe(failed.id);
    expect(await settledDelivery(event.id)).toMatchObject({ id: failed.id, status: 'sent' });
  });

  it('counts the emails it sent per template', async () => {
    expect(await counterValue('emails_sent_total')).toBeGreaterThanOrEqual(6);
  });

  // --- helpers ---

  function bookingConfirmed(
    overrides: Partial<EventData<'booking.confirmed'>> = {},
  ): EventEnvelope<'booking.confirmed'> {
    const bookingId = randomUUID();
    return {
      id: randomUUID(),
      type: 'booking.confirmed',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: bookingId,
      data: {
        bookingId,
        propertyId: randomUUID(),
        propertyTitle: `Canal house ${randomUUID().slice(0, 6)}`,
        guestId: randomUUID(),
        guestEmail: `guest-${randomUUID().slice(0, 8)}@example.com`,
        guestName: 'Ada Lovelace',
        checkIn: '2026-06-05',
        checkOut: '2026-06-08',
        totalAmount: 24_000,
        currency: 'EUR',
        locale: 'en',
        ...overrides,
      },
    };
  }

  async function publish(event: EventEnvelope<'booking.confirmed'>): Promise<void> {
    await producer.send({
      topic: bookingTopic,
      messages: [{ key: event.aggregateId, value: JSON.stringify(event), headers: { type: event.type } }],
    });
  }

  function mailsFor(recipient: string): CaughtMail[] {
    return (catcher?.messages() ?? []).filter((mail) => mail.envelope.to.includes(recipient));
  }

  async function mailsTo(recipient: string, count: number): Promise<CaughtMail[]> {
    if (!catcher) {
      throw new Error('the mail catcher is not running');
    }
    await catcher.waitFor((mail) => mail.envelope.to.includes(recipient), 20_000, `mail to ${recipient}`);
    const mails = mailsFor(recipient);
    expect(mails).toHaveLength(count);
    return mails;
  }

  async function stopCatcher(): Promise<void> {
    await catcher?.close();
    catcher = undefined;
  }

  function deliveriesOf(eventId: string): Promise<DeliveryRow[]> {
    return dataSource.query(`SELECT * FROM notifications.deliveries WHERE event_id = $1`, [eventId]);
  }

  /** The ledger row once the worker is done with it (the email may arrive before the row is marked). */
  function settledDelivery(eventId: string): Promise<DeliveryRow> {
    return waitUntil(
      async () => {
        const [row] = await deliveriesOf(eventId);
        return row && row.status !== 'pending' ? row : undefined;
      },
      { timeoutMs: 10_000, description: `the delivery of event ${eventId} to settle` },
    );
  }

  /** Every message published so far has been consumed and its offset committed. */
  async function consumerCaughtUp(): Promise<void> {
    await waitUntil(
      async () => {
        const [high, committed] = await Promise.all([
          kafka.topicOffsets(bookingTopic),
          kafka.groupOffsets(NOTIFICATIONS_CONSUMER_GROUP, bookingTopic),
        ]);
        return high.every(({ partition, high: end }) => {
          const offset = committed.find((c) => c.partition === partition)?.offset ?? '-1';
          return end === '0' || offset === end;
        });
      },
      { timeoutMs: 15_000, description: 'the consumer group to commit every offset' },
    );
  }

  async function waitForConsumerToJoin(): Promise<void> {
    // A throwaway event proves the group has joined and consumes from this topic.
    const probe = bookingConfirmed();
    await publish(probe);
    await mailsTo(probe.data.guestEmail, 1);
  }

  async function counterValue(name: string): Promise<number> {
    const metric = app.get(MetricsRegistry).registry.getSingleMetric(name);
    const sample = (await metric?.get())?.values.find((v) => v.labels['template'] === 'booking-confirmed');
    return sample?.value ?? 0;
  }
});

async function resetSchema(): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL });
  await dataSource.initialize();
  try {
    await dataSource.query(`DROP SCHEMA IF EXISTS ${notificationsSchema.name} CASCADE`);
  } finally {
    await dataSource.destroy();
  }
  await migrateSchema(notificationsSchema, {
    url: DATABASE_URL,
    applicationName: 'notifications-int-test-migrate',
  });
}
