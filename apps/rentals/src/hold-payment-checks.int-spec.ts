import { randomUUID } from 'node:crypto';
import { Topics, type EventEnvelope } from '@rentguy/contracts';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { queueTesting } from '@rentguy/testing/queue';
import { waitUntil } from '@rentguy/testing/platform';
import { BookingService, type BookingView } from '@rentguy/rentals/feature';
import {
  daysFromToday,
  insertTestProperty,
  outboxEvents,
  principalOf,
  startRentalsTestApp,
  testUser,
  type RentalsTestApp,
} from '@rentguy/testing/rentals';
import { createApp } from './bootstrap';
import { appConfig, type AppConfig } from './config';

/**
 * A hold whose payment succeeded is never expired and is confirmed even when `payment.succeeded`
 * never arrives: the expiry sweep and the cross-check ask payments (here a fake of its
 * service-only route; the e2e suite runs the real one) and confirm what it says is paid.
 */
describe('hold expiry and cross-check ask payments (real PostgreSQL, Redis and Kafka)', () => {
  let t: RentalsTestApp<AppConfig>;
  let bookings: BookingService;
  let nextWeek = 0;

  beforeAll(async () => {
    t = await startRentalsTestApp({ config: appConfig, create: createApp });
    bookings = t.app.get(BookingService);
  });

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => {
    t.payments.failWith(null);
  });

  /** A hold of a fresh property, created `ageMinutes` ago (expired after 15). */
  async function hold(ageMinutes: number): Promise<BookingView> {
    const property = await insertTestProperty(t.dataSource);
    nextWeek += 1;
    const createdAt = new Date(Date.now() - ageMinutes * 60_000);
    const booking = await bookings.create(
      principalOf(testUser('guest')),
      {
        propertyId: property.id,
        checkIn: daysFromToday(7 * nextWeek),
        checkOut: daysFromToday(7 * nextWeek + 2),
        guests: 1,
      },
      createdAt,
    );
    await t.dataSource.query(`UPDATE rentals.bookings SET created_at = $2 WHERE id = $1`, [
      booking.id,
      createdAt,
    ]);
    return booking;
  }

  function paid(booking: BookingView): string {
    const paymentId = randomUUID();
    t.payments.markPaid({
      bookingId: booking.id,
      paymentId,
      amount: booking.totalAmount,
      currency: booking.currency,
    });
    return paymentId;
  }

  async function statusOf(id: string): Promise<string | undefined> {
    const [row] = (await t.dataSource.query(`SELECT status FROM rentals.bookings WHERE id = $1`, [id])) as {
      status: string;
    }[];
    return row?.status;
  }

  async function checks(check: string, outcome: string): Promise<number> {
    const metric = await t.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('hold_payment_checks_total')
      ?.get();
    return (
      metric?.values.find((v) => v.labels['check'] === check && v.labels['outcome'] === outcome)?.value ?? 0
    );
  }

  it('confirms a due hold that payments says is paid, and expires the unpaid one beside it', async () => {
    const paidHold = await hold(20);
    const unpaidHold = await hold(20);
    paid(paidHold);
    const confirmedBefore = await checks('expiry', 'confirmed');

    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-expiry');

    expect(await statusOf(paidHold.id)).toBe('confirmed');
    expect(await statusOf(unpaidHold.id)).toBe('expired');
    expect(await outboxEvents(t.dataSource, 'booking.confirmed', paidHold.id)).toHaveLength(1);
    expect(await outboxEvents(t.dataSource, 'booking.expired', paidHold.id)).toHaveLength(0);
    expect(await outboxEvents(t.dataSource, 'booking.expired', unpaidHold.id)).toHaveLength(1);
    expect(t.payments.queries.some((ids) => ids.includes(paidHold.id) && ids.includes(unpaidHold.id))).toBe(
      true,
    );
    expect(await checks('expiry', 'confirmed')).toBe(confirmedBefore + 1);
  });

  it('expires nothing while payments cannot say, and catches up once it can', async () => {
    const due = await hold(20);
    t.payments.failWith(503);
    const unavailableBefore = await checks('expiry', 'unavailable');

    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-expiry');

    expect(await statusOf(due.id)).toBe('held');
    expect(await outboxEvents(t.dataSource, 'booking.expired', due.id)).toHaveLength(0);
    expect(await checks('expiry', 'unavailable')).toBeGreaterThan(unavailableBefore);

    t.payments.failWith(null);
    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-expiry');
    expect(await statusOf(due.id)).toBe('expired');
  });

  it('cross-check confirms an old paid hold long before it is due, and leaves young and unpaid ones held', async () => {
    const lost = await hold(2);
    const young = await hold(0);
    const unpaid = await hold(2);
    paid(lost);
    paid(young);
    const repairedBefore = await checks('cross-check', 'confirmed');

    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-cross-check');

    expect(await statusOf(lost.id)).toBe('confirmed');
    expect(await outboxEvents(t.dataSource, 'booking.confirmed', lost.id)).toHaveLength(1);
    // Younger than HOLD_CROSS_CHECK_MIN_AGE_MS (60 s): left to payment.succeeded.
    expect(await statusOf(young.id)).toBe('held');
    expect(t.payments.queries.flat()).not.toContain(young.id);
    expect(await statusOf(unpaid.id)).toBe('held');
    expect(await checks('cross-check', 'confirmed')).toBe(repairedBefore + 1);
  });

  it('a payment.succeeded that arrives after the repair changes nothing', async () => {
    const lost = await hold(2);
    const paymentId = paid(lost);
    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-cross-check');
    expect(await statusOf(lost.id)).toBe('confirmed');

    const event: EventEnvelope<'payment.succeeded'> = {
      id: randomUUID(),
      type: 'payment.succeeded',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: paymentId,
      data: {
        paymentId,
        bookingId: lost.id,
        provider: 'stripe',
        providerPaymentId: `pi_${randomUUID().slice(0, 8)}`,
        amount: lost.totalAmount,
        currency: lost.currency,
      },
    };
    const producer = t.app.get(KafkaClient).producer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${t.topicPrefix}${Topics.payment}`,
        messages: [{ key: paymentId, value: JSON.stringify(event), headers: { type: event.type } }],
      });
    } finally {
      await producer.disconnect();
    }
    await waitUntil(
      async () =>
        (
          (await t.dataSource.query(`SELECT 1 FROM rentals.inbox WHERE event_id = $1`, [
            event.id,
          ])) as unknown[]
        ).length === 1,
      { timeoutMs: 30_000, description: 'the late payment.succeeded to be applied' },
    );
    expect(await statusOf(lost.id)).toBe('confirmed');
    expect(await outboxEvents(t.dataSource, 'booking.confirmed', lost.id)).toHaveLength(1);
  });
});
