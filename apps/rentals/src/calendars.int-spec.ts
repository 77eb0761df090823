import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnalyticsService, CalendarFeedService } from '@rentguy/rentals/feature';
import {
  daysFromToday,
  insertTestProperty,
  outboxEvents,
  startRentalsTestApp,
  testUser,
  type RentalsTestApp,
  type TestUser,
} from '@rentguy/testing/rentals';
import { createApp } from './bootstrap';
import { appConfig, type AppConfig } from './config';

type Json = Record<string, unknown>;
interface Reply {
  statusCode: number;
  body: string;
  headers: Record<string, string | undefined>;
  json<T = Json>(): T;
}
interface Day {
  date: string;
  status: string;
}

/** An external calendar faked at the network boundary: a local HTTP server whose body a test sets. */
class FakeFeed {
  body = '';
  status = 200;
  location: string | undefined;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((_request, response) => {
      if (this.location) {
        response.writeHead(302, { location: this.location }).end();
        return;
      }
      response.writeHead(this.status, { 'content-type': 'text/calendar' }).end(this.body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/feed.ics`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The iCal DATE `days` from today. */
const icalDate = (days: number) => daysFromToday(days).replace(/-/g, '');

/**
 * Another platform's iCal feed with one all-day busy event, `from` to `to` days from today, with
 * `more` of its properties (a rule, say).
 */
function otherPlatformFeed(uid: string, from: number, to: number, ...more: string[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Elsewhere//EN',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'DTSTAMP:20300101T000000Z',
    `DTSTART;VALUE=DATE:${icalDate(from)}`,
    `DTEND;VALUE=DATE:${icalDate(to)}`,
    'SUMMARY:Reserved',
    ...more,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/**
 * Calendars over HTTP (docs/architecture.md#calendars): blocks under the bookings' exclusion
 * constraint, the public availability and its cache, the iCal export and import with conflicts.
 */
describe('rentals calendars', () => {
  let t: RentalsTestApp<AppConfig>;
  const host = testUser('host', 'Harriet Host');
  const otherHost = testUser('host');
  const guest = testUser('guest', 'Gus Guest');
  const feed = new FakeFeed();
  let feedUrl = '';

  beforeAll(async () => {
    feedUrl = await feed.start();
    t = await startRentalsTestApp(
      { config: appConfig, create: createApp },
      { env: { CALENDAR_FEED_ALLOW_LOOPBACK: 'true', CALENDAR_FEED_TIMEOUT_MS: '2000' } },
    );
  });

  afterAll(async () => {
    await t?.close();
    await feed.close();
  });

  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    options: { as?: TestUser; json?: unknown } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.as) {
      headers['authorization'] = `Bearer ${await t.tokenFor(options.as)}`;
    }
    const reply = await t.http.inject({
      method,
      url,
      headers,
      ...(options.json !== undefined ? { payload: options.json as object } : {}),
    });
    return reply as unknown as Reply;
  }

  const property = () => insertTestProperty(t.dataSource, { hostId: host.id });

  async function days(propertyId: string, from: number, to: number): Promise<Record<string, string>> {
    const reply = await call(
      'GET',
      `/v1/properties/${propertyId}/availability?from=${daysFromToday(from)}&to=${daysFromToday(to)}`,
    );
    expect(reply.statusCode).toBe(200);
    return Object.fromEntries(reply.json<{ days: Day[] }>().days.map((day) => [day.date, day.status]));
  }

  const book = (propertyId: string, checkIn: number, checkOut: number) =>
    call('POST', '/v1/bookings', {
      as: guest,
      json: { propertyId, checkIn: daysFromToday(checkIn), checkOut: daysFromToday(checkOut), guests: 1 },
    });

  const block = (propertyId: string, from: number, to: number, as: TestUser = host) =>
    call('POST', `/v1/properties/${propertyId}/blocks`, {
      as,
      json: { from: daysFromToday(from), to: daysFromToday(to), note: 'family visit' },
    });

  describe('blocks and bookings under one exclusion constraint', () => {
    it('a block shows as blocked, a booking as booked, the rest available; the public view names nobody', async () => {
      const { id } = await property();
      expect((await block(id, 10, 12)).statusCode).toBe(201);
      expect((await book(id, 14, 15)).statusCode).toBe(201);

      const reply = await call(
        'GET',
        `/v1/properties/${id}/availability?from=${daysFromToday(9)}&to=${daysFromToday(16)}`,
      );
      expect(reply.statusCode).toBe(200);
      expect(reply.json<{ days: Day[] }>().days.map((day) => day.status)).toEqual([
        'available',
        'blocked',
        'blocked',
        'available',
        'available',
        'booked',
        'available',
      ]);
      expect(reply.body).not.toContain(guest.id);
      expect(reply.body).not.toContain(guest.email);
      expect(reply.body).not.toContain('family visit');
    });

    it('a block over a held booking is 409 naming the dates, and a booking over a block is 409', async () => {
      const { id } = await property();
      expect((await book(id, 20, 23)).statusCode).toBe(201);

      const refused = await block(id, 22, 25);
      expect(refused.statusCode).toBe(409);
      expect(refused.json<{ error: Json }>().error).toMatchObject({
        code: 'booking_overlap',
        details: { from: daysFromToday(20), to: daysFromToday(23) },
      });
      expect(refused.body).toContain(daysFromToday(20));

      expect((await block(id, 23, 26)).statusCode).toBe(201);
      const overBlock = await book(id, 25, 27);
      expect(overBlock.statusCode).toBe(409);
      expect(overBlock.json<{ error: Json }>().error).toMatchObject({
        code: 'booking_overlap',
        details: { checkIn: daysFromToday(23), checkOut: daysFromToday(26) },
      });
      expect((await book(id, 26, 27)).statusCode).toBe(201);
    });

    it('concurrent blocks and bookings of the same dates: exactly one wins', async () => {
      const { id } = await property();
      const replies = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? block(id, 30, 33) : book(id, 31, 34))),
      );
      const statuses = replies.map((reply) => reply.statusCode).sort();
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 409)).toHaveLength(7);
      const [row] = (await t.dataSource.query(
        `SELECT count(*)::integer AS n FROM rentals.calendar_claims WHERE property_id = $1`,
        [id],
      )) as { n: number }[];
      expect(row?.n).toBe(1);
    });

    it('dates an expired hold released can be blocked', async () => {
      const { id } = await property();
      const held = (await book(id, 40, 42)).json<{ id: string }>();
      expect((await block(id, 40, 42)).statusCode).toBe(409);
      await t.dataSource.query(`UPDATE rentals.bookings SET status = 'expired' WHERE id = $1`, [held.id]);
      expect((await block(id, 40, 42)).statusCode).toBe(201);
    });

    it('unblocking frees the dates; only the host (or an admin) manages blocks; bad input is 400 naming the field', async () => {
      const { id } = await property();
      const created = (await block(id, 50, 52)).json<{ id: string; source: string }>();
      expect(created.source).toBe('host');

      expect((await block(id, 53, 54, otherHost)).statusCode).toBe(403);
      expect(
        (await call('DELETE', `/v1/properties/${id}/blocks/${created.id}`, { as: otherHost })).statusCode,
      ).toBe(403);
      expect(
        (
          await call('POST', `/v1/properties/${id}/blocks`, {
            json: { from: daysFromToday(1), to: daysFromToday(2) },
          })
        ).statusCode,
      ).toBe(401);

      const unknown = await call('POST', `/v1/properties/${id}/blocks`, {
        as: host,
        json: { from: daysFromToday(1), to: daysFromToday(2), hostId: host.id },
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('hostId');
      const reversed = await call('POST', `/v1/properties/${id}/blocks`, {
        as: host,
        json: { from: daysFromToday(3), to: daysFromToday(2) },
      });
      expect(reversed.statusCode).toBe(400);
      expect(reversed.body).toContain('to');
      const past = await block(id, -2, 1);
      expect(past.statusCode).toBe(400);

      const listed = await call('GET', `/v1/properties/${id}/blocks`, { as: host });
      expect(listed.json<{ id: string }[]>().map((b) => b.id)).toEqual([created.id]);
      // An admin reads them too, and that read of a host's calendar is audited; the host's own is not.
      const admin = testUser('admin');
      expect((await call('GET', `/v1/properties/${id}/blocks`, { as: admin })).statusCode).toBe(200);
      expect((await call('GET', `/v1/properties/${id}/calendar-feeds`, { as: admin })).statusCode).toBe(200);
      const audited = await outboxEvents(t.dataSource, 'audit.recorded', id);
      expect(audited.map((event) => event.data)).toEqual([
        expect.objectContaining({
          actor: { id: admin.id, role: 'admin' },
          action: 'admin.user_viewed',
          target: { type: 'property', id },
          details: { ownerId: host.id, read: 'blocks' },
        }),
        expect.objectContaining({ details: { ownerId: host.id, read: 'calendar-feeds' } }),
      ]);

      expect(
        (await call('DELETE', `/v1/properties/${id}/blocks/${created.id}`, { as: host })).statusCode,
      ).toBe(204);
      expect(Object.values(await days(id, 50, 52))).toEqual(['available', 'available']);
      expect(
        (await call('DELETE', `/v1/properties/${id}/blocks/${created.id}`, { as: host })).statusCode,
      ).toBe(404);
    });

    it('search leaves out a property whose dates are blocked, and lists it again once unblocked', async () => {
      const city = `Blockville ${randomUUID().slice(0, 8)}`;
      const { id } = await insertTestProperty(t.dataSource, { hostId: host.id, city });
      const search = async () =>
        (
          await call(
            'GET',
            `/v1/properties?city=${encodeURIComponent(city)}&checkIn=${daysFromToday(60)}&checkOut=${daysFromToday(62)}`,
          )
        )
          .json<{ items: { id: string }[] }>()
          .items.map((item) => item.id);
      expect(await search()).toEqual([id]);
      const created = (await block(id, 61, 63)).json<{ id: string }>();
      expect(await search()).toEqual([]);
      await call('DELETE', `/v1/properties/${id}/blocks/${created.id}`, { as: host });
      expect(await search()).toEqual([id]);
    });
  });

  describe('availability cache', () => {
    it('serves the cached calendar until a block invalidates the property', async () => {
      const { id } = await property();
      expect(Object.values(await days(id, 70, 72))).toEqual(['available', 'available']);

      // Written behind the service's back: the cache does not know, so it still answers the old days…
      await t.dataSource.query(
        `INSERT INTO rentals.blocks (id, property_id, starts_on, ends_on) VALUES ($1, $2, $3, $4)`,
        [randomUUID(), id, daysFromToday(70), daysFromToday(71)],
      );
      expect(Object.values(await days(id, 70, 72))).toEqual(['available', 'available']);

      // …until a block through the API drops the property's entries.
      expect((await block(id, 71, 72)).statusCode).toBe(201);
      expect(Object.values(await days(id, 70, 72))).toEqual(['blocked', 'blocked']);
    });

    it('an unpublished property has no public calendar', async () => {
      const { id } = await insertTestProperty(t.dataSource, { hostId: host.id, published: false });
      expect(
        (
          await call(
            'GET',
            `/v1/properties/${id}/availability?from=${daysFromToday(1)}&to=${daysFromToday(2)}`,
          )
        ).statusCode,
      ).toBe(404);
      expect(
        (
          await call(
            'GET',
            `/v1/properties/${id}/availability?from=${daysFromToday(1)}&to=${daysFromToday(2)}`,
            { as: host },
          )
        ).statusCode,
      ).toBe(200);
      const extra = await call(
        'GET',
        `/v1/properties/${id}/availability?from=${daysFromToday(1)}&to=${daysFromToday(2)}&x=1`,
      );
      expect(extra.statusCode).toBe(400);
      expect(extra.body).toContain('x');
    });
  });

  describe('iCal export and import', () => {
    const syncAll = () => t.app.get(CalendarFeedService).syncAll();

    it('round trip: what one property exports, another imports, and the same days are busy', async () => {
      const source = await property();
      const target = await property();
      expect((await book(source.id, 80, 83)).statusCode).toBe(201);
      expect((await block(source.id, 85, 87)).statusCode).toBe(201);

      expect(
        (await call('POST', `/v1/properties/${source.id}/calendar-token`, { as: otherHost })).statusCode,
      ).toBe(403);
      const exported = (await call('POST', `/v1/properties/${source.id}/calendar-token`, { as: host })).json<{
        token: string;
        url: string;
      }>();
      expect(exported.url).toBe(
        `http://gateway.test/v1/properties/${source.id}/calendar.ics?token=${exported.token}`,
      );

      const ics = await call('GET', `/v1/properties/${source.id}/calendar.ics?token=${exported.token}`);
      expect(ics.statusCode).toBe(200);
      expect(ics.headers['content-type']).toContain('text/calendar');
      expect(ics.body).toMatch(/^BEGIN:VCALENDAR\r\n/);
      expect(ics.body).not.toContain(guest.email);
      expect(ics.body).not.toContain(guest.name);
      expect(ics.body).not.toContain('family visit');
      expect(
        (await call('GET', `/v1/properties/${target.id}/calendar.ics?token=${exported.token}`)).statusCode,
      ).toBe(404);
      expect((await call('GET', `/v1/properties/${source.id}/calendar.ics?token=wrong`)).statusCode).toBe(
        404,
      );

      feed.body = ics.body;
      const added = await call('POST', `/v1/properties/${target.id}/calendar-feeds`, {
        as: host,
        json: { url: feedUrl, name: 'Canal house elsewhere' },
      });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toMatchObject({ url: feedUrl, name: 'Canal house elsewhere', lastSync: null });
      await syncAll();

      // Busy is busy: the source's booked and blocked nights are the target's blocked ones.
      const busy = (calendar: Record<string, string>) =>
        Object.fromEntries(Object.entries(calendar).map(([date, status]) => [date, status !== 'available']));
      expect(busy(await days(target.id, 79, 88))).toEqual(busy(await days(source.id, 79, 88)));
      expect(Object.values(await days(source.id, 80, 83))).toEqual(['booked', 'booked', 'booked']);
      expect(Object.values(await days(target.id, 80, 83))).toEqual(['blocked', 'blocked', 'blocked']);
      const [listed] = (await call('GET', `/v1/properties/${target.id}/calendar-feeds`, { as: host })).json<
        Json[]
      >();
      expect(listed).toMatchObject({
        lastSync: { status: 'ok', error: null, counts: { events: 2, added: 2, removed: 0, conflicts: 0 } },
      });

      // Idempotent by UID: a second run changes nothing.
      await syncAll();
      const [again] = (await call('GET', `/v1/properties/${target.id}/calendar-feeds`, { as: host })).json<
        Json[]
      >();
      expect(again).toMatchObject({
        lastSync: { status: 'ok', counts: { added: 0, removed: 0, unchanged: 2 } },
      });

      // The exported booking is cancelled at the source: its event leaves the feed, its days free up.
      await t.dataSource.query(`UPDATE rentals.bookings SET status = 'cancelled' WHERE property_id = $1`, [
        source.id,
      ]);
      feed.body = (
        await call('GET', `/v1/properties/${source.id}/calendar.ics?token=${exported.token}`)
      ).body;
      await syncAll();
      expect(Object.values(await days(target.id, 80, 83))).toEqual(['available', 'available', 'available']);
      expect(Object.values(await days(target.id, 85, 87))).toEqual(['blocked', 'blocked']);

      // An imported block is the feed's to remove, not the host's; removing the feed unblocks.
      const blocks = (await call('GET', `/v1/properties/${target.id}/blocks`, { as: host })).json<
        { id: string; source: string }[]
      >();
      expect(blocks.map((b) => b.source)).toEqual(['feed']);
      expect(
        (await call('DELETE', `/v1/properties/${target.id}/blocks/${blocks[0]?.id}`, { as: host }))
          .statusCode,
      ).toBe(409);
      expect(
        (
          await call('DELETE', `/v1/properties/${target.id}/calendar-feeds/${String(listed?.['id'])}`, {
            as: host,
          })
        ).statusCode,
      ).toBe(204);
      expect(Object.values(await days(target.id, 85, 87))).toEqual(['available', 'available']);
    });

    it('an event over a booking is flagged once (calendar.conflict) and the booking stays', async () => {
      const target = await property();
      const booked = (await book(target.id, 90, 93)).json<{ id: string }>();
      await t.dataSource.query(
        `UPDATE rentals.bookings SET status = 'confirmed', confirmed_at = now() WHERE id = $1`,
        [booked.id],
      );
      feed.body = otherPlatformFeed('elsewhere-1', 92, 95);
      await call('POST', `/v1/properties/${target.id}/calendar-feeds`, { as: host, json: { url: feedUrl } });
      await syncAll();
      await syncAll();

      const events = await outboxEvents(t.dataSource, 'calendar.conflict', target.id);
      expect(events).toHaveLength(1);
      expect(events[0]?.data).toMatchObject({
        propertyId: target.id,
        hostId: host.id,
        bookingId: booked.id,
        checkIn: daysFromToday(90),
        checkOut: daysFromToday(93),
        calendarName: '127.0.0.1',
      });
      const [status] = (await t.dataSource.query(`SELECT status FROM rentals.bookings WHERE id = $1`, [
        booked.id,
      ])) as {
        status: string;
      }[];
      expect(status?.status).toBe('confirmed');
      const [listed] = (await call('GET', `/v1/properties/${target.id}/calendar-feeds`, { as: host })).json<
        Json[]
      >();
      // The second run still sees the conflict but flags nothing new.
      expect(listed).toMatchObject({
        lastSync: { status: 'ok', counts: { conflicts: 1, flagged: 0, added: 0 } },
      });
    });

    it('a weekly rule blocks each occurrence; an EXDATE added later frees exactly that one', async () => {
      const target = await property();
      feed.body = otherPlatformFeed('every-week', 120, 122, 'RRULE:FREQ=WEEKLY;COUNT=4');
      await call('POST', `/v1/properties/${target.id}/calendar-feeds`, { as: host, json: { url: feedUrl } });
      await syncAll();
      const weeks = async () =>
        Object.entries(await days(target.id, 119, 144))
          .filter(([, status]) => status !== 'available')
          .map(([date, status]) => `${date} ${status}`);
      const taken = (...offsets: number[]) => offsets.map((offset) => `${daysFromToday(offset)} blocked`);
      expect(await weeks()).toEqual(taken(120, 121, 127, 128, 134, 135, 141, 142));

      feed.body = otherPlatformFeed(
        'every-week',
        120,
        122,
        'RRULE:FREQ=WEEKLY;COUNT=4',
        `EXDATE;VALUE=DATE:${icalDate(127)}`,
      );
      await syncAll();
      expect(await weeks()).toEqual(taken(120, 121, 134, 135, 141, 142));
      const [listed] = (await call('GET', `/v1/properties/${target.id}/calendar-feeds`, { as: host })).json<
        Json[]
      >();
      expect(listed).toMatchObject({
        lastSync: { status: 'ok', counts: { events: 3, added: 0, removed: 1, unchanged: 3 } },
      });
    });

    it('a failing feed records the error and keeps its blocks; at most 10 feeds; SSRF-unsafe URLs are refused', async () => {
      const target = await property();
      feed.body = otherPlatformFeed('keep-me', 100, 101);
      await call('POST', `/v1/properties/${target.id}/calendar-feeds`, { as: host, json: { url: feedUrl } });
      await syncAll();
      feed.status = 500;
      try {
        await syncAll();
      } finally {
        feed.status = 200;
      }
      const [listed] = (await call('GET', `/v1/properties/${target.id}/calendar-feeds`, { as: host })).json<
        Json[]
      >();
      expect(listed).toMatchObject({ lastSync: { status: 'failed', error: 'the feed answered HTTP 500' } });
      expect(Object.values(await days(target.id, 100, 101))).toEqual(['blocked']);

      for (const url of [
        'ftp://example.com/feed.ics',
        'http://169.254.169.254/latest',
        'http://10.0.0.8/feed.ics',
      ]) {
        const refused = await call('POST', `/v1/properties/${target.id}/calendar-feeds`, {
          as: host,
          json: { url },
        });
        expect(refused.statusCode).toBe(400);
        expect(refused.body).toContain('url');
      }
      for (let i = 1; i < 10; i += 1) {
        const reply = await call('POST', `/v1/properties/${target.id}/calendar-feeds`, {
          as: host,
          json: { url: `${feedUrl}?n=${i}` },
        });
        expect(reply.statusCode).toBe(201);
      }
      const eleventh = await call('POST', `/v1/properties/${target.id}/calendar-feeds`, {
        as: host,
        json: { url: `${feedUrl}?n=11` },
      });
      expect(eleventh.statusCode).toBe(409);
      expect(
        (await call('GET', `/v1/properties/${target.id}/calendar-feeds`, { as: otherHost })).statusCode,
      ).toBe(403);
    });
  });

  describe('analytics', () => {
    const analyticsHost = testUser('host', 'Ana Lytics');
    const admin = testUser('admin');

    it('counts booked nights, available nights and revenue per property per month once the view is refreshed', async () => {
      const { id } = await insertTestProperty(t.dataSource, {
        hostId: analyticsHost.id,
        title: 'Dune house',
      });
      const idle = await insertTestProperty(t.dataSource, { hostId: analyticsHost.id, title: 'Idle house' });
      const insertBooking = (checkIn: string, checkOut: string, status: string, total: number) =>
        t.dataSource.query(
          `INSERT INTO rentals.bookings (id, property_id, guest_id, guest_email, guest_name, check_in, check_out,
                                         guests, status, total_amount, currency, price_breakdown, expires_at)
           VALUES ($1, $2, $3, 'a@example.test', 'A', $4, $5, 1, $6, $7, 'EUR', '{}', now())`,
          [randomUUID(), id, randomUUID(), checkIn, checkOut, status, total],
        );
      // 3 nights in March; 4 nights across the month end (2 in March, 2 in April); cancelled and held
      // bookings and the block count as no sale; the block takes 2 March nights off the market.
      await insertBooking('2031-03-05', '2031-03-08', 'confirmed', 30_000);
      await insertBooking('2031-03-30', '2031-04-03', 'completed', 40_000);
      await insertBooking('2031-03-10', '2031-03-12', 'cancelled', 99_999);
      await insertBooking('2031-03-14', '2031-03-15', 'held', 99_999);
      await t.dataSource.query(
        `INSERT INTO rentals.blocks (id, property_id, starts_on, ends_on) VALUES ($1, $2, '2031-03-20', '2031-03-22')`,
        [randomUUID(), id],
      );
      const read = async (as: TestUser, path: string) => {
        const reply = await call('GET', path, { as });
        expect(reply.statusCode).toBe(200);
        return reply.json<{ refreshedAt: string; ageSeconds: number; items: Json[] }>();
      };
      const before = await read(analyticsHost, '/v1/host/analytics?from=2031-03&to=2031-04');
      // Not refreshed yet: the months are there, with nothing in them.
      expect(
        before.items.find((item) => item['propertyId'] === id && item['month'] === '2031-03'),
      ).toMatchObject({
        bookedNights: 0,
      });

      await t.app.get(AnalyticsService).refresh();

      const after = await read(analyticsHost, '/v1/host/analytics?from=2031-03&to=2031-04');
      expect(Date.parse(after.refreshedAt)).toBeGreaterThan(Date.parse(before.refreshedAt));
      expect(after.ageSeconds).toBeLessThan(60);
      expect(after.items).toEqual([
        {
          propertyId: id,
          title: 'Dune house',
          month: '2031-03',
          bookedNights: 5,
          availableNights: 29,
          occupancy: 0.1724,
          revenue: { amount: 50_000, currency: 'EUR' },
        },
        {
          propertyId: id,
          title: 'Dune house',
          month: '2031-04',
          bookedNights: 2,
          availableNights: 30,
          occupancy: 0.0667,
          revenue: { amount: 20_000, currency: 'EUR' },
        },
        ...['2031-03', '2031-04'].map((month) => ({
          propertyId: idle.id,
          title: 'Idle house',
          month,
          bookedNights: 0,
          availableNights: month === '2031-03' ? 31 : 30,
          occupancy: 0,
          revenue: { amount: 0, currency: 'EUR' },
        })),
      ]);

      // Months before a property was listed are not its months.
      expect((await read(analyticsHost, '/v1/host/analytics?from=2020-01&to=2020-02')).items).toEqual([]);
      // Another host sees none of it; admins see the platform's months, which include these.
      expect((await read(otherHost, '/v1/host/analytics?from=2031-03&to=2031-04')).items).toEqual([]);
      const platform = await read(admin, '/v1/admin/analytics?from=2031-03&to=2031-03');
      const march = platform.items.find((item) => item['currency'] === 'EUR');
      expect(march).toMatchObject({ month: '2031-03' });
      expect(Number(march?.['bookedNights'])).toBeGreaterThanOrEqual(5);
      expect((march?.['revenue'] as { amount: number }).amount).toBeGreaterThanOrEqual(50_000);
    });

    it('is for hosts (own) and admins (platform) only, with months validated', async () => {
      expect(
        (await call('GET', '/v1/host/analytics?from=2031-01&to=2031-02', { as: guest })).statusCode,
      ).toBe(403);
      expect(
        (await call('GET', '/v1/admin/analytics?from=2031-01&to=2031-02', { as: host })).statusCode,
      ).toBe(403);
      const reversed = await call('GET', '/v1/host/analytics?from=2031-05&to=2031-02', { as: host });
      expect(reversed.statusCode).toBe(400);
      expect(reversed.body).toContain('to');
      const badMonth = await call('GET', '/v1/host/analytics?from=2031-13&to=2031-14', { as: host });
      expect(badMonth.statusCode).toBe(400);
      expect(badMonth.body).toContain('from');
    });
  });
});
