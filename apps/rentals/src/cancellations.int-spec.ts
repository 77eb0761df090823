import { randomUUID } from 'node:crypto';
import { Topics, type EventData } from '@rentguy/contracts';
import { KafkaClient } from '@rentguy/platform/messaging';
import { waitUntil } from '@rentguy/testing/platform';
import type { Producer } from 'kafkajs';
import { BookingService } from '@rentguy/rentals/feature';
import { quoteCancellation, type CancellationQuote } from '@rentguy/rentals/domain';
import {
  daysFromToday,
  insertTestProperty,
  outboxEvents,
  principalOf,
  startRentalsTestApp,
  testUser,
  type RentalsTestApp,
  type TestUser,
} from '@rentguy/testing/rentals';
import { createApp } from './bootstrap';
import { appConfig, type AppConfig } from './config';

interface Reply {
  statusCode: number;
  json<T = Record<string, unknown>>(): T;
}

interface BookingBody {
  id: string;
  status: string;
  totalAmount: number;
  cancellationPolicy: string;
  cancellationPolicyVersion: number;
  cancellation: null | {
    cancelledBy: string;
    quote: CancellationQuote;
    refund: { amount: number; currency: string; status: string };
  };
  refunds: { id: string; amount: number; status: string; reason: string }[];
}

describe('cancellations (real PostgreSQL and Kafka)', () => {
  let t: RentalsTestApp<AppConfig>;
  let bookings: BookingService;
  let producer: Producer;
  const admin = testUser('admin');

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

  async function call(
    method: 'GET' | 'POST',
    url: string,
    as: TestUser,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    return (await t.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await t.tokenFor(as)}`, ...options.headers },
      ...(options.json !== undefined ? { payload: options.json as object } : {}),
    })) as unknown as Reply;
  }

  /** A confirmed booking (paid) of a new property of `host`, checking in `days` days from today. */
  async function confirmedBooking(days: number, policy = 'moderate') {
    const host = testUser('host');
    const property = await insertTestProperty(t.dataSource, { hostId: host.id, cleaningFee: 4_000 });
    await t.dataSource.query(`UPDATE rentals.properties SET cancellation_policy = $2 WHERE id = $1`, [
      property.id,
      policy,
    ]);
    const guest = testUser('guest');
    const stay = {
      propertyId: property.id,
      checkIn: daysFromToday(days),
      checkOut: daysFromToday(days + 3),
      guests: 2,
    };
    const booking = await bookings.create(principalOf(guest), stay);
    await t.dataSource.query(
      `UPDATE rentals.bookings SET status = 'confirmed', confirmed_at = now() WHERE id = $1`,
      [booking.id],
    );
    return { host, guest, property, booking, stay };
  }

  it('quotes the guest the policy snapshot, cancels once, frees the dates and publishes the quote', async () => {
    const { guest, booking, stay } = await confirmedBooking(3);
    expect(booking).toMatchObject({ cancellationPolicy: 'moderate', cancellationPolicyVersion: 1 });
    // Later changes of the property's policy leave the booking's promise alone.
    await t.dataSource.query(`UPDATE rentals.properties SET cancellation_policy = 'strict' WHERE id = $1`, [
      stay.propertyId,
    ]);

    const early = new Date(Date.parse(`${stay.checkIn}T00:00:00Z`) - 6 * 86_400_000).toISOString();
    const quoteEarly = await call('GET', `/v1/bookings/${booking.id}/cancellation-quote?at=${early}`, guest);
    expect(quoteEarly.statusCode).toBe(200);
    expect(quoteEarly.json()).toMatchObject({
      refundAmount: booking.totalAmount,
      policy: 'moderate',
      asOf: early,
    });

    const quote = (
      await call('GET', `/v1/bookings/${booking.id}/cancellation-quote`, guest)
    ).json<CancellationQuote>();
    const expected = quoteCancellation(
      {
        checkIn: stay.checkIn,
        paid: true,
        price: booking.priceBreakdown,
        cancellationPolicy: 'moderate',
        cancellationPolicyVersion: 1,
      },
      new Date(quote.asOf),
    );
    expect(quote).toEqual(expected);
    // Two to three days before check-in under moderate: half the nights, the cleaning fee back.
    expect(quote.breakdown).toMatchObject({ accommodationBps: 5_000, cleaningFee: 4_000, basis: 'policy' });
    expect(quote.refundAmount).toBeLessThan(booking.totalAmount);

    const key = { 'idempotency-key': `cancel-${randomUUID()}` };
    const cancelled = await call('POST', `/v1/bookings/${booking.id}/cancel`, guest, {
      json: {},
      headers: key,
    });
    expect(cancelled.statusCode).toBe(200);
    const body = cancelled.json<BookingBody>();
    expect(body.status).toBe('cancelled');
    expect(body.cancellation).toMatchObject({
      cancelledBy: 'guest',
      refund: { amount: body.cancellation?.quote.refundAmount, currency: 'EUR', status: 'requested' },
    });
    // The quote is deterministic for its instant: the cancellation's own quote equals the quote route's at that instant.
    const atCancel = body.cancellation?.quote.asOf ?? '';
    const replayedQuote = await call(
      'GET',
      `/v1/bookings/${booking.id}/cancellation-quote?at=${atCancel}`,
      guest,
    );
    expect(replayedQuote.json()).toEqual(body.cancellation?.quote);

    const events = await outboxEvents(t.dataSource, 'booking.cancelled', booking.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      bookingId: booking.id,
      cancelledBy: 'guest',
      previousStatus: 'confirmed',
      quote: body.cancellation?.quote,
    });

    // The same key gets the same answer; another request is 409; nothing is published twice.
    const replay = await call('POST', `/v1/bookings/${booking.id}/cancel`, guest, { json: {}, headers: key });
    expect(replay.statusCode).toBe(200);
    expect(replay.json<BookingBody>().cancellation).toEqual(body.cancellation);
    const other = await call('POST', `/v1/bookings/${booking.id}/cancel`, guest, { json: {} });
    expect(other.statusCode).toBe(409);
    expect(await outboxEvents(t.dataSource, 'booking.cancelled', booking.id)).toHaveLength(1);

    // The dates are free at once.
    const next = await bookings.create(principalOf(testUser('guest')), stay);
    expect(next.status).toBe('held');
  });

  it('lets concurrent cancel requests cancel once', async () => {
    const { guest, booking } = await confirmedBooking(20);
    const key = { 'idempotency-key': `cancel-${randomUUID()}` };
    const replies = await Promise.all(
      Array.from({ length: 6 }, () =>
        call('POST', `/v1/bookings/${booking.id}/cancel`, guest, { json: {}, headers: key }),
      ),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
    expect(await outboxEvents(t.dataSource, 'booking.cancelled', booking.id)).toHaveLength(1);
  });

  it('refunds a host cancellation in full, and lets only an admin name the refund, up to what was paid', async () => {
    const { host, guest, booking } = await confirmedBooking(2, 'strict');
    const stranger = await call('POST', `/v1/bookings/${booking.id}/cancel`, testUser('guest'), { json: {} });
    expect(stranger.statusCode).toBe(404);
    const guestAmount = await call('POST', `/v1/bookings/${booking.id}/cancel`, guest, {
      json: { refundAmount: 1 },
    });
    expect(guestAmount.statusCode).toBe(400);
    expect(JSON.stringify(guestAmount.json())).toContain('refundAmount');
    const unknown = await call('POST', `/v1/bookings/${booking.id}/cancel`, guest, { json: { reason: 'x' } });
    expect(unknown.statusCode).toBe(400);
    const tooMuch = await call('POST', `/v1/bookings/${booking.id}/cancel`, admin, {
      json: { refundAmount: booking.totalAmount + 1 },
    });
    expect(tooMuch.statusCode).toBe(400);

    const hostQuote = (
      await call('GET', `/v1/bookings/${booking.id}/cancellation-quote`, host)
    ).json<CancellationQuote>();
    expect(hostQuote).toMatchObject({ refundAmount: booking.totalAmount, breakdown: { basis: 'full' } });
    const cancelled = await call('POST', `/v1/bookings/${booking.id}/cancel`, host, { json: {} });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json<BookingBody>().cancellation).toMatchObject({
      cancelledBy: 'host',
      refund: { amount: booking.totalAmount, status: 'requested' },
    });
  });

  it('lets an admin cancel with a refund of their choosing', async () => {
    const { booking } = await confirmedBooking(30);
    const cancelled = await call('POST', `/v1/bookings/${booking.id}/cancel`, admin, {
      json: { refundAmount: 1_234 },
    });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json<BookingBody>().cancellation).toMatchObject({
      cancelledBy: 'admin',
      quote: { refundAmount: 1_234, breakdown: { basis: 'admin-amount' } },
    });
  });

  it('cancels an unpaid hold without a refund', async () => {
    const property = await insertTestProperty(t.dataSource);
    const guest = testUser('guest');
    const hold = await bookings.create(principalOf(guest), {
      propertyId: property.id,
      checkIn: daysFromToday(9),
      checkOut: daysFromToday(10),
      guests: 1,
    });
    const cancelled = await call('POST', `/v1/bookings/${hold.id}/cancel`, guest, { json: {} });
    expect(cancelled.json<BookingBody>().cancellation).toMatchObject({
      refund: { amount: 0, status: 'none' },
    });
    const [event] = await outboxEvents(t.dataSource, 'booking.cancelled', hold.id);
    expect(event?.data).toMatchObject({
      previousStatus: 'held',
      quote: { refundAmount: 0, breakdown: { basis: 'unpaid' } },
    });
  });

  it("shows payments' refund news on the guest's booking", async () => {
    const { guest, booking } = await confirmedBooking(15);
    const cancelled = (
      await call('POST', `/v1/bookings/${booking.id}/cancel`, guest, { json: {} })
    ).json<BookingBody>();
    const refundAmount = cancelled.cancellation?.refund.amount ?? 0;
    const data: EventData<'refund.succeeded'> = {
      refundId: randomUUID(),
      paymentId: randomUUID(),
      bookingId: booking.id,
      guestId: guest.id,
      provider: 'mollie',
      providerRefundId: 're_test',
      amount: refundAmount,
      currency: 'EUR',
      reason: 'guest_cancelled',
      propertyTitle: 'Canal house',
    };
    const envelope = {
      id: randomUUID(),
      type: 'refund.succeeded',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: data.refundId,
      data,
    };
    const message = { key: data.refundId, value: JSON.stringify(envelope), headers: { type: envelope.type } };
    // Delivered twice: shown once.
    await producer.send({ topic: `${t.topicPrefix}${Topics.refund}`, messages: [message, message] });
    await waitUntil(
      async () =>
        (await call('GET', `/v1/bookings/${booking.id}`, guest)).json<BookingBody>().refunds.length === 1,
      { timeoutMs: 30_000, description: 'the refund on the booking' },
    );
    const view = (await call('GET', `/v1/bookings/${booking.id}`, guest)).json<BookingBody>();
    expect(view.refunds).toEqual([
      {
        id: data.refundId,
        amount: refundAmount,
        currency: 'EUR',
        reason: 'guest_cancelled',
        status: 'succeeded',
      },
    ]);
    expect(view.cancellation?.refund).toEqual({ amount: refundAmount, currency: 'EUR', status: 'succeeded' });
  });

  it("reports a host's and an admin's cancel to the audit log through the outbox, a guest's not", async () => {
    const origin = { 'x-forwarded-for': '203.0.113.7', 'x-request-id': `req-${randomUUID()}` };

    const byGuest = await confirmedBooking(20);
    expect(
      (await call('POST', `/v1/bookings/${byGuest.booking.id}/cancel`, byGuest.guest, { json: {} }))
        .statusCode,
    ).toBe(200);
    expect(await outboxEvents(t.dataSource, 'booking.cancelled', byGuest.booking.id)).toHaveLength(1);
    expect(await outboxEvents(t.dataSource, 'audit.recorded', byGuest.booking.id)).toEqual([]);

    const byHost = await confirmedBooking(20);
    const hostCancel = await call('POST', `/v1/bookings/${byHost.booking.id}/cancel`, byHost.host, {
      json: {},
      headers: origin,
    });
    expect(hostCancel.statusCode).toBe(200);
    const hostEvents = await outboxEvents(t.dataSource, 'audit.recorded', byHost.booking.id);
    expect(hostEvents).toHaveLength(1);
    expect(hostEvents[0]?.data).toEqual({
      source: 'rentals',
      actor: { id: byHost.host.id, role: 'host' },
      action: 'booking.cancelled_by_host',
      target: { type: 'booking', id: byHost.booking.id },
      ip: '203.0.113.7',
      requestId: origin['x-request-id'],
      occurredAt: expect.any(String),
      details: {
        previousStatus: 'confirmed',
        refundAmount: byHost.booking.totalAmount,
        currency: 'EUR',
        basis: 'full',
      },
    });

    const byAdmin = await confirmedBooking(20);
    const adminCancel = await call('POST', `/v1/bookings/${byAdmin.booking.id}/cancel`, admin, {
      json: { refundAmount: 500 },
    });
    expect(adminCancel.statusCode).toBe(200);
    const adminEvents = await outboxEvents(t.dataSource, 'audit.recorded', byAdmin.booking.id);
    expect(adminEvents.map((e) => e.data)).toEqual([
      expect.objectContaining({
        actor: { id: admin.id, role: 'admin' },
        action: 'booking.cancelled_by_admin',
        details: expect.objectContaining({ refundAmount: 500, basis: 'admin-amount' }),
      }),
    ]);

    // A failed cancel (already cancelled) reports nothing more.
    expect(
      (await call('POST', `/v1/bookings/${byHost.booking.id}/cancel`, byHost.host, { json: {} })).statusCode,
    ).toBe(409);
    expect(await outboxEvents(t.dataSource, 'audit.recorded', byHost.booking.id)).toHaveLength(1);
  });

  it("audits an admin's cancellation quote of another user's booking, not the guest's or host's own", async () => {
    const { booking, guest, host } = await confirmedBooking(20);
    for (const caller of [guest, host, admin]) {
      expect((await call('GET', `/v1/bookings/${booking.id}/cancellation-quote`, caller)).statusCode).toBe(
        200,
      );
    }

    expect((await outboxEvents(t.dataSource, 'audit.recorded', booking.id)).map((e) => e.data)).toEqual([
      expect.objectContaining({
        actor: { id: admin.id, role: 'admin' },
        action: 'admin.user_viewed',
        target: { type: 'booking', id: booking.id },
        details: { ownerId: guest.id, read: 'cancellation-quote' },
      }),
    ]);
  });
});
