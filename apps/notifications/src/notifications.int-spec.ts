import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FastifyInstance } from 'fastify';
import { Topics, jobId, type EventData, type EventEnvelope } from '@rentguy/contracts';
import { DELIVERY_HEADER, DeliveryService } from '@rentguy/notifications/feature';
import { loadConfig } from '@rentguy/platform/config';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { queueTesting } from '@rentguy/testing/queue';
import {
  freePort,
  startMailCatcher,
  testEnvironment,
  testSigningKey,
  waitUntil,
  type CaughtMail,
  type MailCatcher,
} from '@rentguy/testing/platform';
import {
  API_URL,
  WEB_URL,
  bookingConfirmed,
  bookingHeld,
  envelope,
  notificationsTestEnv,
  resetNotificationsSchema,
} from '../test/notifications-test.kit';
import { createApp } from './bootstrap';
import { appConfig } from './config';

// The notifications app as it boots (createApp) against real PostgreSQL (the test database, real
// migrations), Redis (random BullMQ prefix), Kafka (random topic prefix) and an SMTP sink; only the
// clock of the retry backoff is shortened.
const { kafkaBrokers: BROKERS } = testEnvironment();
/** The group's id: no KAFKA_GROUP_PREFIX in this test, topics are prefixed instead. */
const NOTIFICATIONS_CONSUMER_GROUP = 'notifications';
const MAX_ATTEMPTS = 4;

interface DeliveryRow {
  id: string;
  event_id: string;
  template: string;
  category: string;
  recipient: string;
  recipient_id: string | null;
  payload: Record<string, unknown>;
  locale: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  sent_at: Date | null;
}

describe('notifications: events → emails', () => {
  const topicPrefix = `test.notif${randomUUID().slice(0, 8)}.`;
  const bookingTopic = `${topicPrefix}${Topics.booking}`;
  const userTopic = `${topicPrefix}${Topics.user}`;
  const paymentTopic = `${topicPrefix}${Topics.payment}`;
  const refundTopic = `${topicPrefix}${Topics.refund}`;
  const propertyTopic = `${topicPrefix}${Topics.property}`;
  const applicationTopic = `${topicPrefix}${Topics.application}`;
  let http: FastifyInstance;
  let smtpPort: number;
  let catcher: MailCatcher | undefined;
  let app: INestApplicationContext;
  let kafka: KafkaClient;
  let dataSource: DataSource;
  let producer: ReturnType<KafkaClient['producer']>;

  beforeAll(async () => {
    await resetNotificationsSchema();
    smtpPort = await freePort();
    catcher = await startMailCatcher({ smtpPort });
    kafka = new KafkaClient({ clientId: 'notifications-int-test', brokers: BROKERS });
    await kafka.ensureTopics([
      { topic: bookingTopic, numPartitions: 3 },
      { topic: userTopic, numPartitions: 3 },
      { topic: paymentTopic, numPartitions: 3 },
      { topic: refundTopic, numPartitions: 3 },
      { topic: propertyTopic, numPartitions: 3 },
      { topic: applicationTopic, numPartitions: 3 },
    ]);
    producer = kafka.producer();
    await producer.connect();

    const config = loadConfig(appConfig, { env: notificationsTestEnv(smtpPort) });
    const nest = await createApp(config, {
      messaging: { topicPrefix },
      queue: {
        prefix: queueTesting.randomPrefix(),
        jobDefaults: { email: { attempts: MAX_ATTEMPTS, backoff: { type: 'fixed', delayMs: 300 } } },
      },
    });
    await nest.init();
    app = nest;
    http = nest.getHttpAdapter().getInstance();
    await http.ready();
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
    // A guest the directory has not heard of: addressed as the booking says, counted by user id.
    expect(delivery).toMatchObject({
      status: 'sent',
      attempts: 1,
      recipient: event.data.guestEmail,
      recipient_id: event.data.guestId,
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

  it('emails the guest (in their language) and the host once when a guest cancels, with the refund', async () => {
    const guest = userRegistered({ locale: 'nl', name: 'Anne de Vries' });
    const host = userRegistered({ role: 'host', name: 'Harriet Host' });
    await publish(guest);
    await publish(host);
    await untilMails(guest.data.email, 1);
    await untilMails(host.data.email, 2);
    const event = bookingCancelled(guest.data, host.data.userId, 'guest', 18_000);

    await publish(event);
    await publish(event);

    const [, guestMail] = await untilMails(guest.data.email, 2);
    expect(guestMail?.subject).toBe(`Je boeking bij ${event.data.propertyTitle} is geannuleerd`);
    expect(guestMail?.text).toMatch(/€\s180,00/);
    expect(guestMail?.text).toContain('binnen 5 tot 10 werkdagen');
    await waitUntil(() => mailsFor(host.data.email).length === 3, {
      timeoutMs: 20_000,
      description: 'the host to be told',
    });
    const hostMail = mailsFor(host.data.email)[2];
    expect(hostMail?.subject).toBe(`Booking at ${event.data.propertyTitle} cancelled`);
    expect(hostMail?.text).toContain('€180.00');
    await consumerCaughtUp();
    const deliveries = await deliveriesOf(event.id);
    expect(deliveries.map((d) => [d.template, d.recipient_id]).sort()).toEqual(
      [
        ['booking-cancelled-guest', guest.data.userId],
        ['booking-cancelled-host', host.data.userId],
      ].sort(),
    );
  });

  it("does not email the host when the host cancelled, and emails the guest's refund once it succeeded", async () => {
    const guest = userRegistered({ name: 'Grace Guest' });
    await publish(guest);
    await untilMails(guest.data.email, 1);
    const cancelled = bookingCancelled(guest.data, randomUUID(), 'host', 36_000);
    await publish(cancelled);
    const [, cancelMail] = await untilMails(guest.data.email, 2);
    expect(cancelMail?.text).toContain('We are refunding €360.00');
    expect(await deliveriesOf(cancelled.id)).toHaveLength(1);

    const refundId = randomUUID();
    const refund = envelope('refund.succeeded', refundId, {
      refundId,
      paymentId: randomUUID(),
      bookingId: cancelled.data.bookingId,
      guestId: guest.data.userId,
      provider: 'mollie',
      providerRefundId: 're_test',
      amount: 36_000,
      currency: 'EUR',
      reason: 'host_cancelled',
      propertyTitle: cancelled.data.propertyTitle,
    });
    await publish(refund);
    await publish(refund);
    await waitUntil(() => mailsFor(guest.data.email).length >= 3, {
      timeoutMs: 20_000,
      description: 'the refund email',
    });
    const refundMail = mailsFor(guest.data.email)[2];
    expect(refundMail?.subject).toBe('Your refund of €360.00 is on its way');
    await settledDelivery(refund.id);
    expect(await deliveriesOf(refund.id)).toHaveLength(1);
    expect(mailsFor(guest.data.email)).toHaveLength(3);
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
    expect(failing.status).toBe('queued');
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
    const failedBefore = await counterValue('failed');
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
    expect(await counterValue('failed')).toBe(failedBefore + 1);

    // A failed delivery stays failed: nothing is sent once the relay is back, even if the job returns.
    catcher = await startMailCatcher({ smtpPort });
    await expect(app.get(DeliveryService).send(delivery.id, { isFinalAttempt: false })).resolves.toEqual({
      status: 'skipped',
      reason: 'delivery is already failed',
    });
    expect(mailsFor(event.data.guestEmail)).toHaveLength(0);
  });

  it('recovers a delivery left queued after its job failed for good (the final ledger write was lost)', async () => {
    await stopCatcher();
    const event = bookingConfirmed();
    await publish(event);
    const failed = await settledDelivery(event.id);
    expect(failed.status).toBe('failed');
    await queueTesting.waitForJobState(app, 'email', jobId(failed.id, 'email.send'), ['failed']);
    // As if the worker had died before recording the final failure, long enough ago for the sweep.
    await dataSource.query(
      `UPDATE notifications.deliveries SET status = 'queued', created_at = now() - interval '2 minutes' WHERE id = $1`,
      [failed.id],
    );

    catcher = await startMailCatcher({ smtpPort });

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.headers[DELIVERY_HEADER.toLowerCase()]).toBe(failed.id);
    expect(await settledDelivery(event.id)).toMatchObject({ id: failed.id, status: 'sent' });
  });

  it('asks the guest to pay for a hold before it expires, with a link to the payment page', async () => {
    const held = bookingHeld({ expiresAt: '2026-07-01T09:45:00.000Z' });

    await publish(held);

    const [mail] = await mailsTo(held.data.guestEmail, 1);
    expect(mail.subject).toBe(`Complete your payment to book ${held.data.propertyTitle}`);
    expect(mail.text).toContain('Hi Grace Hopper,');
    expect(mail.text).toContain('Amount due: €310.50');
    expect(mail.text).toContain('Pay before: Wed, 1 July 2026 at 09:45 UTC');
    const paymentUrl = `${new URL(WEB_URL).origin}/bookings/${held.data.bookingId}/pay`;
    expect(mail.text).toContain(paymentUrl);
    expect(mail.html).toContain(`href="${paymentUrl}"`);
    expect(await settledDelivery(held.id)).toMatchObject({
      template: 'booking-held',
      status: 'sent',
      recipient_id: held.data.guestId,
    });
  });

  it('tells the host of a confirmed booking when the directory knows them, and the guest either way', async () => {
    const host = userRegistered({ role: 'host', locale: 'nl', name: 'Henk Host' });
    await publish(host);
    await untilMails(host.data.email, 2); // welcome and the first host tip
    const confirmed = bookingConfirmed({ hostId: host.data.userId, guestName: 'Ada <b>Lovelace</b>' });
    const unknownHost = bookingConfirmed();

    await publish(confirmed);
    await publish(unknownHost);

    await catcher?.waitFor((m) => /Nieuwe boeking/.test(m.subject), 20_000, 'the host email');
    const [hostMail] = mailsFor(host.data.email).filter((m) => /Nieuwe boeking/.test(m.subject));
    expect(hostMail?.subject).toBe(`Nieuwe boeking voor ${confirmed.data.propertyTitle}`);
    expect(hostMail?.text).toContain('Ada <b>Lovelace</b> heeft');
    expect(hostMail?.html).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt;');
    await mailsTo(confirmed.data.guestEmail, 1);
    // A host the directory never heard of is not told; the guest still is, once.
    await mailsTo(unknownHost.data.guestEmail, 1);
    await consumerCaughtUp();
    expect((await deliveriesOf(unknownHost.id)).map((d) => d.template)).toEqual(['booking-confirmed']);
    expect((await deliveriesOf(confirmed.id)).map((d) => d.template).sort()).toEqual([
      'booking-confirmed',
      'booking-new-host',
    ]);
  });

  it('tells the guest an unpaid hold expired, and says nothing of one confirmed meanwhile', async () => {
    const expiring = bookingHeld();
    const paid = bookingHeld();
    await publish(expiring);
    await publish(paid);
    await mailsTo(expiring.data.guestEmail, 1);
    await mailsTo(paid.data.guestEmail, 1);
    await publish(
      bookingConfirmed({
        bookingId: paid.data.bookingId,
        guestId: paid.data.guestId,
        guestEmail: paid.data.guestEmail,
      }),
    );
    await untilMails(paid.data.guestEmail, 2);

    const expired = envelope('booking.expired', expiring.data.bookingId, {
      bookingId: expiring.data.bookingId,
      propertyId: expiring.data.propertyId,
    });
    const lateExpiry = envelope('booking.expired', paid.data.bookingId, {
      bookingId: paid.data.bookingId,
      propertyId: paid.data.propertyId,
    });
    await publish(expired);
    await publish(lateExpiry);

    const mails = await waitUntil(
      async () => {
        const all = mailsFor(expiring.data.guestEmail);
        return all.length === 2 ? all : undefined;
      },
      { timeoutMs: 20_000, description: 'the expiry email' },
    );
    expect(mails[1]?.subject).toBe(`Your hold on ${expiring.data.propertyTitle} has expired`);
    await waitForInbox(lateExpiry.id);
    expect(await deliveriesOf(lateExpiry.id)).toEqual([]);
    expect(mailsFor(paid.data.guestEmail)).toHaveLength(2);
  });

  it('writes up a failed payment that overtook its hold once the hold arrives, with the link to pay again', async () => {
    const held = bookingHeld({ expiresAt: new Date(Date.now() + 10 * 60_000).toISOString() });
    const failed = envelope('payment.failed', randomUUID(), {
      paymentId: randomUUID(),
      bookingId: held.data.bookingId,
      provider: 'mollie',
      reason: 'failed',
    });

    await publish(failed);
    // Parked while the booking is unknown here: nothing is recorded until booking.held has arrived.
    await waitForInbox(failed.id);
    expect(await deliveriesOf(failed.id)).toEqual([]);
    await publish(held);

    await waitUntil(async () => mailsFor(held.data.guestEmail).length === 2, {
      timeoutMs: 30_000,
      description: 'the payment-failed email after the hold',
    });
    const mail = mailsFor(held.data.guestEmail).find((m) => /did not go through/.test(m.subject));
    expect(mail?.text).toContain('We could not take your payment of €310.50');
    expect(mail?.text).toContain('you can try again until');
    expect(mail?.text).toContain(`/bookings/${held.data.bookingId}/pay`);
  });

  it('offers no second try for a payment that failed after its hold expired', async () => {
    const held = bookingHeld();
    await publish(held);
    await mailsTo(held.data.guestEmail, 1);
    await publish(
      envelope('booking.expired', held.data.bookingId, {
        bookingId: held.data.bookingId,
        propertyId: held.data.propertyId,
      }),
    );
    await untilMails(held.data.guestEmail, 2);

    await publish(
      envelope('payment.failed', randomUUID(), {
        paymentId: randomUUID(),
        bookingId: held.data.bookingId,
        provider: 'stripe',
        reason: 'card_declined',
      }),
    );

    await waitUntil(async () => mailsFor(held.data.guestEmail).length === 3, {
      timeoutMs: 20_000,
      description: 'the payment-failed email',
    });
    const mail = mailsFor(held.data.guestEmail)[2];
    expect(mail?.subject).toBe(`Your payment for ${held.data.propertyTitle} did not go through`);
    expect(mail?.text).toContain('Your booking has not been confirmed.');
    expect(mail?.text).not.toContain('/pay');
  });

  it("reminds a key's owner that it expires soon, by its name and prefix, never its secret", async () => {
    const owner = userRegistered({ role: 'host', name: 'Kees Koppeling', locale: 'nl' });
    await publish(owner);
    await untilMails(owner.data.email, 2); // welcome and the first host tip
    const expiring = envelope('api-key.expiring', owner.data.userId, {
      userId: owner.data.userId,
      apiKeyId: randomUUID(),
      name: 'Channel manager',
      prefix: 'rgk_AbCdEfGhIjKl',
      expiresAt: '2027-01-15T09:30:00.000Z',
    });

    await publish(expiring);
    await publish(expiring);

    const mails = await untilMails(owner.data.email, 3);
    const reminder = mails.find((m) => /API-sleutel/.test(m.subject));
    expect(reminder?.subject).toBe('Je API-sleutel Channel manager verloopt binnenkort');
    expect(reminder?.text).toContain('rgk_AbCdEfGhIjKl');
    expect(reminder?.text).toContain('15 januari 2027');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mailsFor(owner.data.email)).toHaveLength(3);
  });

  it('keeps a directory of users from identity and welcomes a Dutch user in Dutch', async () => {
    const user = userRegistered({ locale: 'nl', name: 'Anne de Vries' });

    await publish(user);

    const [mail] = await mailsTo(user.data.email, 1);
    expect(mail.subject).toBe('Welkom bij RentGuy, Anne de Vries');
    expect(mail.text).toContain('Hoi Anne de Vries,');
    expect(mail.html).toContain('<html lang="nl">');
    // Transactional: no unsubscribe link.
    expect(mail.headers['list-unsubscribe']).toBeUndefined();
    expect(await recipientOf(user.data.userId)).toMatchObject({
      email: user.data.email,
      name: 'Anne de Vries',
      locale: 'nl',
      role: 'guest',
      preferences: {},
    });
  });

  it('sends a new host a first tip that carries a signed one-click unsubscribe link, and the link works', async () => {
    const host = userRegistered({ role: 'host' });
    const token = await tokenFor({ id: host.data.userId, role: 'host', email: host.data.email });

    await publish(host);

    // The welcome and the tip are sent by concurrent workers: either may arrive first.
    const mails = await waitUntil(
      () => {
        const both = mailsFor(host.data.email);
        return both.length >= 2 && both;
      },
      { timeoutMs: 20_000, description: `the welcome and the tip to ${host.data.email}` },
    );
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Host tip: get your first booking on RentGuy',
      `Welcome to RentGuy, ${host.data.name}`,
    ]);
    const tip = mails.find((m) => m.subject.startsWith('Host tip'));
    const link = /^<(.+)>$/.exec(tip?.headers['list-unsubscribe'] ?? '')?.[1] ?? '';
    expect(link).toMatch(new RegExp(`^${API_URL}/v1/notifications/unsubscribe\\?token=[\\w-]+\\.[\\w-]+$`));
    expect(tip?.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(tip?.text).toContain(link);
    const path = link.slice(API_URL.length);

    // GET only asks (mail scanners open links); the preference is unchanged.
    const page = await http.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<form method="post"');
    expect(await hostTipsEnabled(token)).toBe(true);

    // What a mail client sends for RFC 8058 one-click, without any login.
    const post = await http.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('no longer receive host tips');
    expect(await hostTipsEnabled(token)).toBe(false);

    const forged = `${path.slice(0, -2)}${path.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await http.inject({ method: 'POST', url: forged, payload: '' })).statusCode).toBe(404);
    expect(
      (await http.inject({ method: 'GET', url: '/v1/notifications/unsubscribe?token=x.y' })).statusCode,
    ).toBe(404);
  });

  it('records a tip as suppressed for a host who switched tips off before their registration arrived', async () => {
    const host = userRegistered({ role: 'host', locale: 'nl' });
    const token = await tokenFor({ id: host.data.userId, role: 'host', email: host.data.email });
    const suppressedBefore = await counterValue('suppressed', 'nl', 'host-getting-started');

    const put = await http.inject({
      method: 'PUT',
      url: '/v1/me/notification-preferences',
      headers: { authorization: `Bearer ${token}` },
      payload: { host_tips: false },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({
      categories: [
        { category: 'transactional', enabled: true, switchable: false },
        { category: 'host_tips', enabled: false, switchable: true },
        { category: 'product_news', enabled: true, switchable: true },
      ],
    });
    await publish(host);

    const [welcome] = await mailsTo(host.data.email, 1);
    expect(welcome.subject).toContain('Welkom');
    const rows = await waitUntil(
      async () => {
        const found = await deliveriesOf(host.id);
        return found.length === 2 ? found : undefined;
      },
      { timeoutMs: 10_000, description: 'both deliveries of the registration' },
    );
    expect(rows.find((r) => r.template === 'host-getting-started')).toMatchObject({
      status: 'suppressed',
      category: 'host_tips',
      attempts: 0,
    });
    expect(await counterValue('suppressed', 'nl', 'host-getting-started')).toBe(suppressedBefore + 1);
    // The event completed the entry the request had started, and the preference survived it.
    expect(await recipientOf(host.data.userId)).toMatchObject({
      name: host.data.name,
      locale: 'nl',
      role: 'host',
      preferences: { host_tips: false },
    });
  });

  it('refuses to switch transactional emails off, and unknown categories', async () => {
    const token = await tokenFor({ id: randomUUID(), role: 'guest', email: 'x@example.com' });
    for (const payload of [{ transactional: false }, { marketing: false }, { host_tips: 'no' }]) {
      const reply = await http.inject({
        method: 'PUT',
        url: '/v1/me/notification-preferences',
        headers: { authorization: `Bearer ${token}` },
        payload,
      });
      expect(reply.statusCode).toBe(400);
    }
    expect((await http.inject({ method: 'GET', url: '/v1/me/notification-preferences' })).statusCode).toBe(
      401,
    );
  });

  it('addresses the next message from the directory: a new address and language apply to it', async () => {
    const user = userRegistered({ locale: 'en' });
    await publish(user);
    await mailsTo(user.data.email, 1);
    const newEmail = `moved-${randomUUID().slice(0, 8)}@example.com`;

    await publish(userUpdated(user.data.userId, { email: newEmail, name: user.data.name, locale: 'nl' }));
    await waitUntil(async () => (await recipientOf(user.data.userId))?.email === newEmail, {
      timeoutMs: 15_000,
      description: 'the directory to take the new address',
    });
    // The booking still carries the address and language it was made with.
    const booking = bookingConfirmed({
      guestId: user.data.userId,
      guestEmail: user.data.email,
      locale: 'en',
    });
    await publish(booking);

    const [mail] = await mailsTo(newEmail, 1);
    expect(mail.subject).toBe(`Je boeking bij ${booking.data.propertyTitle} is bevestigd`);
    expect(mailsFor(user.data.email)).toHaveLength(1);
  });

  it('keeps the newest profile when an older update arrives late', async () => {
    const user = userRegistered();
    await publish(user);
    await mailsTo(user.data.email, 1);

    const stale = userUpdated(user.data.userId, { email: 'stale@example.com', name: 'Old', locale: 'nl' });
    await publish({ ...stale, occurredAt: new Date(Date.parse(user.occurredAt) - 60_000).toISOString() });

    await waitForInbox(stale.id);
    expect(await recipientOf(user.data.userId)).toMatchObject({ email: user.data.email, locale: 'en' });
  });

  it("emails a reset link into the web app, valid-until in the user's language, and keeps no token once sent", async () => {
    const user = userRegistered({ locale: 'nl' });
    await publish(user);
    await mailsTo(user.data.email, 1);
    const reset = passwordResetRequested(user.data.userId, '2026-05-20T13:00:00Z');

    await publish(reset);

    await catcher?.waitFor(
      (m) => m.envelope.to.includes(user.data.email) && m.subject.includes('wachtwoord'),
      20_000,
    );
    const mail = mailsFor(user.data.email).find((m) => m.subject.includes('wachtwoord'));
    expect(mail?.subject).toBe('Stel je RentGuy-wachtwoord opnieuw in');
    expect(mail?.text).toContain(`https://web.rentguy.test/reset-password?token=${reset.data.token}`);
    expect(mail?.text).toMatch(/de link werkt tot wo 20 mei 2026.*13:00 UTC/);
    const delivery = await settledDelivery(reset.id);
    expect(delivery).toMatchObject({
      status: 'sent',
      template: 'password-reset',
      recipient_id: user.data.userId,
    });
    expect(JSON.stringify(delivery.payload)).not.toContain(reset.data.token);
  });

  it('keeps no reset token either when the relay refuses the reset email for good', async () => {
    const user = userRegistered();
    await publish(user);
    await mailsTo(user.data.email, 1);
    catcher?.misbehave({ kind: 'permanent', to: user.data.email });
    const reset = passwordResetRequested(user.data.userId, new Date(Date.now() + 3_600_000).toISOString());

    await publish(reset);

    const delivery = await settledDelivery(reset.id);
    expect(delivery.status).toBe('failed');
    expect(JSON.stringify(delivery.payload)).not.toContain(reset.data.token);
    expect(delivery.payload['resetUrl']).toBe('https://web.rentguy.test/reset-password?token=redacted');
  });

  it('emails the host of a calendar conflict in their language, once, through the ledger', async () => {
    const hostUser = userRegistered({ locale: 'nl', name: 'Henk Host', role: 'host' });
    await publish(hostUser);
    await waitUntil(() => recipientOf(hostUser.data.userId), {
      timeoutMs: 20_000,
      description: 'the host in the directory',
    });
    const conflict = envelope('calendar.conflict', randomUUID(), {
      propertyId: randomUUID(),
      propertyTitle: 'Grachtenpand',
      hostId: hostUser.data.userId,
      bookingId: randomUUID(),
      checkIn: '2030-05-01',
      checkOut: '2030-05-04',
      feedId: randomUUID(),
      calendarName: 'Airbnb',
    });

    await publish(conflict);
    await publish(conflict);

    const conflictMails = () =>
      mailsFor(hostUser.data.email).filter((mail) => mail.subject === 'Agendaconflict bij Grachtenpand');
    const [mail] = await waitUntil(async () => (conflictMails().length > 0 ? conflictMails() : undefined), {
      timeoutMs: 20_000,
      description: 'the conflict email',
    });
    expect(mail?.text).toContain('Hoi Henk Host,');
    expect(mail?.text).toContain('Airbnb');
    expect(mail?.html).toContain('<html lang="nl">');
    expect(await settledDelivery(conflict.id)).toMatchObject({
      template: 'calendar-conflict',
      recipient: hostUser.data.email,
      status: 'sent',
    });
    expect(conflictMails()).toHaveLength(1);
    expect(await deliveriesOf(conflict.id)).toHaveLength(1);
  });

  it('dead-letters a reset request for a user the directory does not know, instead of guessing', async () => {
    const reset = passwordResetRequested(randomUUID(), new Date(Date.now() + 3_600_000).toISOString());

    await publish(reset);

    const dlq = `${userTopic}.dlq.${NOTIFICATIONS_CONSUMER_GROUP}`;
    await waitUntil(
      async () => {
        try {
          return (await kafka.topicOffsets(dlq)).some(({ high }) => high !== '0');
        } catch {
          return false;
        }
      },
      { timeoutMs: 20_000, description: 'the reset request on the DLQ' },
    );
    expect(await deliveriesOf(reset.id)).toEqual([]);
  });

  it("tells an applicant the host's decision once, in their language, addressed from the directory", async () => {
    const applicant = userRegistered({ locale: 'nl' });
    await publish(applicant);
    await mailsTo(applicant.data.email, 1);
    const applicationId = randomUUID();
    const decided = envelope('application.decided', applicationId, {
      applicationId,
      propertyId: randomUUID(),
      propertyTitle: 'Grachtenpand <aan> de Herengracht',
      hostId: randomUUID(),
      guestId: applicant.data.userId,
      decision: 'declined',
      reason: 'Een andere huurder <gekozen>',
      decidedAt: new Date().toISOString(),
    });

    await publish(decided);
    await publish(decided);

    await catcher?.waitFor(
      (m) => m.envelope.to.includes(applicant.data.email) && m.subject.startsWith('Je aanvraag'),
      20_000,
    );
    const mail = mailsFor(applicant.data.email).find((m) => m.subject.startsWith('Je aanvraag'));
    expect(mail?.subject).toBe('Je aanvraag voor Grachtenpand <aan> de Herengracht');
    expect(mail?.text).toContain(`Hoi ${applicant.data.name},`);
    expect(mail?.text).toContain('is niet goedgekeurd');
    expect(mail?.text).toContain('De verhuurder schreef: “Een andere huurder <gekozen>”');
    expect(mail?.html).toContain('Een andere huurder &lt;gekozen&gt;');
    await consumerCaughtUp(applicationTopic);
    expect(await settledDelivery(decided.id)).toMatchObject({
      status: 'sent',
      template: 'application-decided',
      recipient_id: applicant.data.userId,
    });
    expect(mailsFor(applicant.data.email)).toHaveLength(2);
    expect(await deliveriesOf(decided.id)).toHaveLength(1);
  });

  it('retries a temporary refusal (4xx) and sends the email once the relay accepts it', async () => {
    const event = bookingConfirmed();
    catcher?.misbehave({ kind: 'temporary', to: event.data.guestEmail, times: 2 });

    await publish(event);

    const [mail] = await mailsTo(event.data.guestEmail, 1);
    expect(mail.headers['message-id']).toBeDefined();
    expect(await settledDelivery(event.id)).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(catcher?.faults().filter((f) => f.to.includes(event.data.guestEmail))).toHaveLength(2);
  });

  it('retries when the relay drops the connection mid-send', async () => {
    const event = bookingConfirmed();
    catcher?.misbehave({ kind: 'disconnect', to: event.data.guestEmail });

    await publish(event);

    await mailsTo(event.data.guestEmail, 1);
    expect(await settledDelivery(event.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails a permanently refused email (5xx) at once, without retrying', async () => {
    const event = bookingConfirmed();
    catcher?.misbehave({ kind: 'permanent', to: event.data.guestEmail, times: 5 });

    await publish(event);

    const delivery = await settledDelivery(event.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery.last_error).toMatch(/554/);
    await queueTesting.waitForJobState(app, 'email', jobId(delivery.id, 'email.send'), ['completed']);
    expect(catcher?.faults().filter((f) => f.to.includes(event.data.guestEmail))).toHaveLength(1);
    expect(mailsFor(event.data.guestEmail)).toHaveLength(0);
  });

  it("lists a user's own emails, paged, and every delivery for admins, filtered", async () => {
    const user = userRegistered();
    await publish(user);
    await mailsTo(user.data.email, 1);
    const reset = passwordResetRequested(user.data.userId, new Date(Date.now() + 3_600_000).toISOString());
    await publish(reset);
    await settledDelivery(reset.id);
    const own = await tokenFor({ id: user.data.userId, role: 'guest', email: user.data.email });
    const stranger = await tokenFor({ id: randomUUID(), role: 'guest', email: 'stranger@example.com' });
    const adminId = randomUUID();
    const admin = await tokenFor({ id: adminId, role: 'admin', email: 'admin@rentguy.test' });
    const get = (url: string, token?: string) =>
      http.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

    const first = await get('/v1/me/notifications?limit=1', own);
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toEqual([
      expect.objectContaining({ template: 'password-reset', status: 'sent', to: user.data.email }),
    ]);
    expect(first.json().items[0]).not.toHaveProperty('payload');
    const second = await get(`/v1/me/notifications?limit=1&cursor=${first.json().nextCursor}`, own);
    expect(second.json()).toEqual({
      items: [expect.objectContaining({ template: 'welcome', status: 'sent' })],
      nextCursor: null,
    });
    expect((await get('/v1/me/notifications', stranger)).json().items).toEqual([]);
    expect((await get('/v1/me/notifications?cursor=bogus', own)).statusCode).toBe(400);

    const byAdmin = await get(`/v1/admin/deliveries?recipient=${user.data.email}&template=welcome`, admin);
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().items).toEqual([
      expect.objectContaining({
        template: 'welcome',
        recipientId: user.data.userId,
        attempts: 1,
        lastError: null,
      }),
    ]);
    const byId = await get(`/v1/admin/deliveries?recipient=${user.data.userId}&status=sent`, admin);
    expect(byId.json().items.map((d: { template: string }) => d.template)).toEqual([
      'password-reset',
      'welcome',
    ]);
    expect((await get('/v1/admin/deliveries', own)).statusCode).toBe(403);
    expect((await get('/v1/admin/deliveries')).statusCode).toBe(401);
    expect((await get('/v1/admin/deliveries?status=lost', admin)).statusCode).toBe(400);
    expect((await get('/v1/admin/deliveries?sort=asc', admin)).statusCode).toBe(400);
    // Each page an admin read is reported to identity's audit log; refused requests are not.
    const audited = (await dataSource.query(
      `SELECT payload FROM notifications.outbox
        WHERE payload->>'type' = 'audit.recorded' AND payload->'data'->'actor'->>'id' = $1`,
      [adminId],
    )) as { payload: { data: Record<string, unknown> } }[];
    expect(audited.map((row) => row.payload.data)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'notifications',
          action: 'admin.user_viewed',
          target: { type: 'delivery_list', id: user.data.email },
          details: { status: null, template: 'welcome', page: 'first' },
        }),
        expect.objectContaining({ target: { type: 'delivery_list', id: user.data.userId } }),
      ]),
    );
    expect(audited).toHaveLength(2);
  });

  it('counts the emails it sent per template and locale, and times them from the event', async () => {
    expect(await counterValue('sent')).toBeGreaterThanOrEqual(6);
    expect(await counterValue('sent', 'nl')).toBeGreaterThanOrEqual(1);
    const histogram = await app
      .get(MetricsRegistry)
      .registry.getSingleMetric('notification_event_to_smtp_accepted_seconds')
      ?.get();
    const count = histogram?.values.find(
      (v) =>
        (v as { metricName?: string }).metricName?.endsWith('_count') &&
        v.labels['template'] === 'booking-confirmed',
    );
    expect(count?.value).toBeGreaterThanOrEqual(6);
  });

  // --- helpers ---

  function userRegistered(
    overrides: Partial<EventData<'user.registered'>> = {},
  ): EventEnvelope<'user.registered'> {
    const userId = overrides.userId ?? randomUUID();
    return envelope('user.registered', userId, {
      userId,
      email: `user-${randomUUID().slice(0, 8)}@example.com`,
      name: `Grace ${randomUUID().slice(0, 4)}`,
      locale: 'en',
      role: 'guest',
      ...overrides,
    });
  }

  function bookingCancelled(
    guest: EventData<'user.registered'>,
    hostId: string,
    cancelledBy: 'guest' | 'host',
    refundAmount: number,
  ): EventEnvelope<'booking.cancelled'> {
    const bookingId = randomUUID();
    return envelope('booking.cancelled', bookingId, {
      bookingId,
      propertyId: randomUUID(),
      propertyTitle: `Canal house ${randomUUID().slice(0, 6)}`,
      hostId,
      guestId: guest.userId,
      guestEmail: guest.email,
      guestName: guest.name,
      checkIn: '2026-06-05',
      checkOut: '2026-06-08',
      previousStatus: 'confirmed',
      cancelledBy,
      locale: 'en',
      quote: {
        refundAmount,
        currency: 'EUR',
        policy: 'moderate',
        policyVersion: 1,
        asOf: new Date().toISOString(),
        breakdown: {
          paid: 36_000,
          accommodation: refundAmount,
          cleaningFee: 0,
          serviceFee: 0,
          tax: 0,
          accommodationBps: 5_000,
          hoursBeforeCheckIn: 72,
          basis: cancelledBy === 'guest' ? 'policy' : 'full',
        },
      },
    });
  }

  function userUpdated(
    userId: string,
    data: Omit<EventData<'user.updated'>, 'userId'>,
  ): EventEnvelope<'user.updated'> {
    return envelope('user.updated', userId, { userId, ...data });
  }

  function passwordResetRequested(
    userId: string,
    expiresAt: string,
  ): EventEnvelope<'password-reset.requested'> {
    return envelope('password-reset.requested', userId, {
      userId,
      token: randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, ''),
      expiresAt,
    });
  }

  async function recipientOf(userId: string): Promise<Record<string, unknown> | undefined> {
    const [row] = await dataSource.query(`SELECT * FROM notifications.recipients WHERE id = $1`, [userId]);
    return row;
  }

  function waitForInbox(eventId: string): Promise<unknown> {
    return waitUntil(
      async () =>
        (await dataSource.query(`SELECT 1 FROM notifications.inbox WHERE event_id = $1`, [eventId])).length >
        0,
      { timeoutMs: 15_000, description: `event ${eventId} to pass the inbox` },
    );
  }

  function tokenFor(user: { id: string; role: string; email: string }): Promise<string> {
    return testSigningKey.sign({ ...user, name: 'Test User' });
  }

  async function hostTipsEnabled(token: string): Promise<boolean | undefined> {
    const reply = await http.inject({
      method: 'GET',
      url: '/v1/me/notification-preferences',
      headers: { authorization: `Bearer ${token}` },
    });
    const { categories } = reply.json<{ categories: { category: string; enabled: boolean }[] }>();
    return categories.find((c) => c.category === 'host_tips')?.enabled;
  }

  async function publish(event: EventEnvelope): Promise<void> {
    await producer.send({
      topic: event.type.startsWith('booking.')
        ? bookingTopic
        : event.type.startsWith('payment.')
          ? paymentTopic
          : event.type.startsWith('refund.')
            ? refundTopic
            : event.type.startsWith('calendar.')
              ? propertyTopic
              : event.type.startsWith('application.')
                ? applicationTopic
                : userTopic,
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

  /** Waits until `recipient` has `count` emails (and no more). */
  async function untilMails(recipient: string, count: number): Promise<CaughtMail[]> {
    await waitUntil(async () => mailsFor(recipient).length >= count, {
      timeoutMs: 20_000,
      description: `${count} emails to ${recipient}`,
    });
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
        return row && row.status !== 'queued' ? row : undefined;
      },
      { timeoutMs: 10_000, description: `the delivery of event ${eventId} to settle` },
    );
  }

  /** Every message published so far has been consumed and its offset committed. */
  async function consumerCaughtUp(topic = bookingTopic): Promise<void> {
    await waitUntil(
      async () => {
        const [high, committed] = await Promise.all([
          kafka.topicOffsets(topic),
          kafka.groupOffsets(NOTIFICATIONS_CONSUMER_GROUP, topic),
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

  async function counterValue(
    outcome: 'sent' | 'failed' | 'suppressed',
    locale = 'en',
    template = 'booking-confirmed',
  ): Promise<number> {
    const metric = app.get(MetricsRegistry).registry.getSingleMetric('notification_deliveries_total');
    const sample = (await metric?.get())?.values.find(
      (v) =>
        v.labels['template'] === template && v.labels['locale'] === locale && v.labels['outcome'] === outcome,
    );
    return sample?.value ?? 0;
  }
});
