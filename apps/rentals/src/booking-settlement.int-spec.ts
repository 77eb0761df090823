import { randomUUID } from 'node:crypto';
import { Topics, type EventData, type EventEnvelope } from '@rentguy/contracts';
import { KafkaClient } from '@rentguy/platform/messaging';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { queueTesting } from '@rentguy/testing/queue';
import { waitUntil } from '@rentguy/testing/platform';
import type { Producer } from 'kafkajs';
import { BookingService } from '@rentguy/rentals/feature';
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

describe('payment.succeeded consumer (real Kafka and PostgreSQL)', () => {
  let t: RentalsTestApp<AppConfig>;
  let bookings: BookingService;
  let producer: Producer;

  beforeAll(async () => {
    t = await startRentalsTestApp({ config: appConfig, create: createApp });
    bookings = t.app.get(BookingService);
    producer = t.app.get(KafkaClient).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await t?.close();
  });

  function paymentSucceeded(booking: {
    id: string;
    totalAmount: number;
    currency: string;
  }): EventEnvelope<'payment.succeeded'> {
    const data: EventData<'payment.succeeded'> = {
      paymentId: randomUUID(),
      bookingId: booking.id,
      provider: 'stripe',
      providerPaymentId: `pi_${randomUUID().slice(0, 8)}`,
      amount: booking.totalAmount,
      currency: booking.currency,
    };
    return {
      id: randomUUID(),
      type: 'payment.succeeded',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: data.paymentId,
      data,
    };
  }

  async function publish(event: EventEnvelope<'payment.succeeded'>): Promise<void> {
    await producer.send({
      topic: `${t.topicPrefix}${Topics.payment}`,
      messages: [{ key: event.aggregateId, value: JSON.stringify(event), headers: { type: event.type } }],
    });
  }

  const applied = async (eventId: string): Promise<boolean> => {
    const rows = (await t.dataSource.query(
      `SELECT 1 FROM rentals.inbox WHERE consumer = $1 AND event_id = $2`,
      [`${t.config.KAFKA_GROUP_PREFIX}rentals`, eventId],
    )) as unknown[];
    return rows.length === 1;
  };

  const statusOf = async (bookingId: string): Promise<string | undefined> => {
    const rows = (await t.dataSource.query(`SELECT status FROM rentals.bookings WHERE id = $1`, [
      bookingId,
    ])) as {
      status: string;
    }[];
    return rows[0]?.status;
  };

  it('confirms a paid hold once and writes booking.confirmed for the notification', async () => {
    const property = await insertTestProperty(t.dataSource, { title: 'Houseboat on the Amstel' });
    const guest = testUser('guest', 'Ada Lovelace');
    const booking = await bookings.create(principalOf(guest), {
      propertyId: property.id,
      checkIn: daysFromToday(5),
      checkOut: daysFromToday(7),
      guests: 2,
    });
    const payment = paymentSucceeded(booking);

    await publish(payment);

    await waitUntil(async () => (await statusOf(booking.id)) === 'confirmed', {
      timeoutMs: 30_000,
      description: 'the booking to be confirmed',
    });
    const confirmed = await outboxEvents(t.dataSource, 'booking.confirmed', booking.id);
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]?.data).toEqual({
      bookingId: booking.id,
      propertyId: property.id,
      propertyTitle: 'Houseboat on the Amstel',
      hostId: property.hostId,
      guestId: guest.id,
      guestEmail: guest.email,
      guestName: 'Ada Lovelace',
      checkIn: booking.checkIn,
      checkOut: booking.checkOut,
      totalAmount: booking.totalAmount,
      currency: 'EUR',
      locale: 'en',
    });

    // A redelivery of the same event and a second payment for the same booking change nothing.
    const second = paymentSucceeded(booking);
    await publish(payment);
    await publish(second);
    await waitUntil(() => applied(second.id), {
      timeoutMs: 30_000,
      description: 'the second payment to be applied',
    });
    expect(await outboxEvents(t.dataSource, 'booking.confirmed', booking.id)).toHaveLength(1);
    const [row] = (await t.dataSource.query(`SELECT confirmed_at FROM rentals.bookings WHERE id = $1`, [
      booking.id,
    ])) as {
      confirmed_at: Date;
    }[];
    expect(row?.confirmed_at).toBeInstanceOf(Date);
  });

  it('re-holds and confirms an expired hold whose dates are still free', async () => {
    const property = await insertTestProperty(t.dataSource);
    const booking = await bookings.create(
      principalOf(testUser('guest')),
      { propertyId: property.id, checkIn: daysFromToday(8), checkOut: daysFromToday(9), guests: 1 },
      new Date(Date.now() - 30 * 60_000),
    );
    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-expiry');
    expect(await statusOf(booking.id)).toBe('expired');

    await publish(paymentSucceeded(booking));

    await waitUntil(async () => (await statusOf(booking.id)) === 'confirmed', {
      timeoutMs: 30_000,
      description: 'the late-paid booking to be confirmed',
    });
    expect(await outboxEvents(t.dataSource, 'booking.confirmed', booking.id)).toHaveLength(1);
  });

  it('leaves an expired hold expired when someone else has taken its dates', async () => {
    const property = await insertTestProperty(t.dataSource);
    const stay = {
      propertyId: property.id,
      checkIn: daysFromToday(11),
      checkOut: daysFromToday(13),
      guests: 1,
    };
    const late = await bookings.create(
      principalOf(testUser('guest')),
      stay,
      new Date(Date.now() - 30 * 60_000),
    );
    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-expiry');
    const other = await bookings.create(principalOf(testUser('guest')), stay);
    const payment = paymentSucceeded(late);

    await publish(payment);

    await waitUntil(() => applied(payment.id), {
      timeoutMs: 30_000,
      description: 'the payment to be applied',
    });
    expect(await statusOf(late.id)).toBe('expired');
    expect(await statusOf(other.id)).toBe('held');
    expect(await outboxEvents(t.dataSource, 'booking.confirmed', late.id)).toHaveLength(0);
    // Handled as an expected outcome, not as a failure that ends in the dead-letter topic.
    const consumed = await t.app
      .get(MetricsRegistry)
      .registry.getSingleMetric('kafka_messages_consumed_total')
      ?.get();
    const outcomes = (consumed?.values ?? []).filter((v) => v.value > 0).map((v) => v.labels['outcome']);
    expect(outcomes).toContain('processed');
    expect(outcomes).not.toContain('dlq');
  });
});
