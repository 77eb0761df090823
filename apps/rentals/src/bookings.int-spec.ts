import { DomainError, ErrorCode } from '@rentguy/contracts';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { queueTesting } from '@rentguy/testing/queue';
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

async function counterValue(t: RentalsTestApp<AppConfig>, name: string): Promise<number> {
  const metric = t.app.get(MetricsRegistry).registry.getSingleMetric(name);
  const { values } = (await metric?.get()) ?? { values: [] };
  return values[0]?.value ?? 0;
}

describe('BookingService against PostgreSQL', () => {
  let t: RentalsTestApp<AppConfig>;
  let bookings: BookingService;

  beforeAll(async () => {
    t = await startRentalsTestApp({ config: appConfig, create: createApp });
    bookings = t.app.get(BookingService);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lets exactly one of 50 concurrent overlapping requests hold the dates; the others get booking_overlap', async () => {
    const property = await insertTestProperty(t.dataSource);
    const conflictsBefore = await counterValue(t, 'booking_conflicts_total');
    // Different but mutually overlapping stays: each contains the night of day 12.
    const attempts = Array.from({ length: 50 }, (_, i) => ({
      guest: principalOf(testUser('guest')),
      stay: {
        propertyId: property.id,
        checkIn: daysFromToday(10 + (i % 3)),
        checkOut: daysFromToday(13 + (i % 2)),
        guests: 2,
      },
    }));

    const results = await Promise.allSettled(attempts.map((a) => bookings.create(a.guest, a.stay)));

    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const error of lost) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: ErrorCode.BookingOverlap,
        details: { checkIn: won[0].checkIn, checkOut: won[0].checkOut },
      });
    }
    const rows = (await t.dataSource.query(`SELECT id, status FROM rentals.bookings WHERE property_id = $1`, [
      property.id,
    ])) as { id: string; status: string }[];
    expect(rows).toEqual([{ id: won[0].id, status: 'held' }]);
    expect(await outboxEvents(t.dataSource, 'booking.held', won[0].id)).toHaveLength(1);
    expect((await counterValue(t, 'booking_conflicts_total')) - conflictsBefore).toBe(49);
  });

  it('accepts back-to-back stays: check-out day is the next check-in day', async () => {
    const property = await insertTestProperty(t.dataSource);

    const first = await bookings.create(principalOf(testUser('guest')), {
      propertyId: property.id,
      checkIn: daysFromToday(1),
      checkOut: daysFromToday(3),
      guests: 1,
    });
    const second = await bookings.create(principalOf(testUser('guest')), {
      propertyId: property.id,
      checkIn: daysFromToday(3),
      checkOut: daysFromToday(5),
      guests: 1,
    });

    expect([first.status, second.status]).toEqual(['held', 'held']);
  });

  it('holds the same dates again once the earlier booking was cancelled', async () => {
    const property = await insertTestProperty(t.dataSource);
    const stay = {
      propertyId: property.id,
      checkIn: daysFromToday(20),
      checkOut: daysFromToday(22),
      guests: 1,
    };
    const cancelled = await bookings.create(principalOf(testUser('guest')), stay);
    await t.dataSource.query(`UPDATE rentals.bookings SET status = 'cancelled' WHERE id = $1`, [
      cancelled.id,
    ]);

    const next = await bookings.create(principalOf(testUser('guest')), stay);

    expect(next.status).toBe('held');
  });

  it('expires an unpaid hold, publishes booking.expired, and frees its dates', async () => {
    const property = await insertTestProperty(t.dataSource);
    const stay = {
      propertyId: property.id,
      checkIn: daysFromToday(30),
      checkOut: daysFromToday(33),
      guests: 1,
    };
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    const stale = await bookings.create(principalOf(testUser('guest')), stay, twentyMinutesAgo);
    const fresh = await bookings.create(principalOf(testUser('guest')), {
      ...stay,
      checkIn: daysFromToday(40),
      checkOut: daysFromToday(41),
    });
    await expect(bookings.create(principalOf(testUser('guest')), stay)).rejects.toMatchObject({
      code: ErrorCode.BookingOverlap,
    });

    await queueTesting.runScheduledJobNow(t.app, 'rentals-hold-expiry');

    const statuses = (await t.dataSource.query(
      `SELECT id, status FROM rentals.bookings WHERE id = ANY($1::uuid[]) ORDER BY check_in`,
      [[stale.id, fresh.id]],
    )) as { id: string; status: string }[];
    expect(statuses).toEqual([
      { id: stale.id, status: 'expired' },
      { id: fresh.id, status: 'held' },
    ]);
    const [expired] = await outboxEvents(t.dataSource, 'booking.expired', stale.id);
    expect(expired?.data).toEqual({ bookingId: stale.id, propertyId: property.id });
    const rebooked = await bookings.create(principalOf(testUser('guest')), stay);
    expect(rebooked.status).toBe('held');
  });

  it('prices the stay on the server from the property rate', async () => {
    const property = await insertTestProperty(t.dataSource, { nightlyPrice: 12_345, cleaningFee: 2_500 });

    const booking = await bookings.create(principalOf(testUser('guest')), {
      propertyId: property.id,
      checkIn: daysFromToday(50),
      checkOut: daysFromToday(53),
      guests: 2,
    });

    expect(booking).toMatchObject({
      totalAmount: 39_535,
      currency: 'EUR',
      priceBreakdown: {
        nights: 3,
        nightlyPrice: 12_345,
        accommodation: 37_035,
        cleaningFee: 2_500,
        total: 39_535,
      },
    });
    const [held] = await outboxEvents(t.dataSource, 'booking.held', booking.id);
    expect(held?.data).toMatchObject({ totalAmount: 39_535, currency: 'EUR', hostId: property.hostId });
  });

  it("shows a booking to its guest, its host and admins only, and audits an admin's read", async () => {
    const host = testUser('host');
    const guest = testUser('guest');
    const admin = testUser('admin');
    const origin = { ip: '203.0.113.7', requestId: 'req-admin-read' };
    const property = await insertTestProperty(t.dataSource, { hostId: host.id });
    const booking = await bookings.create(principalOf(guest), {
      propertyId: property.id,
      checkIn: daysFromToday(60),
      checkOut: daysFromToday(61),
      guests: 1,
    });

    await expect(bookings.get(principalOf(guest), booking.id, origin)).resolves.toMatchObject({
      id: booking.id,
    });
    await expect(bookings.get(principalOf(host), booking.id, origin)).resolves.toMatchObject({
      id: booking.id,
    });
    // Admins quote and cancel any booking; they read it too.
    await expect(bookings.get(principalOf(admin), booking.id, origin)).resolves.toMatchObject({
      id: booking.id,
    });
    await expect(bookings.get(principalOf(testUser('guest')), booking.id, origin)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await expect(bookings.get(principalOf(testUser('host')), booking.id, origin)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    // Only the admin's read is recorded, with who, what and from where.
    const audited = await outboxEvents(t.dataSource, 'audit.recorded', booking.id);
    expect(audited.map((event) => event.data)).toEqual([
      expect.objectContaining({
        actor: { id: admin.id, role: 'admin' },
        action: 'admin.user_viewed',
        target: { type: 'booking', id: booking.id },
        ip: '203.0.113.7',
        requestId: 'req-admin-read',
        details: { ownerId: guest.id, propertyId: property.id },
      }),
    ]);
  });
});
