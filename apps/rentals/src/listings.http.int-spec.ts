import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOB_STORAGE, type BlobStorage } from '@rentguy/platform/storage';
import { ImageRepository } from '@rentguy/rentals/data-access';
import {
  daysFromToday,
  insertTestBlock,
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
  json<T = Json>(): T;
}
interface Listed {
  id: string;
  nightlyPrice: number;
  quote?: Json & { total: number };
}
interface Page<T = Listed> {
  items: T[];
  nextCursor: string | null;
}

/** Search, quotes, listing edits and the paged lists, over HTTP with fees and taxes configured. */
describe('rentals listings and search', () => {
  let t: RentalsTestApp<AppConfig>;
  const host = testUser('host', 'Harriet Host');
  const otherHost = testUser('host');
  const guest = testUser('guest', 'Gus Guest');
  const otherGuest = testUser('guest');
  // Test files share the database: every search here is scoped to cities only this run uses.
  const run = randomUUID().slice(0, 8);
  const cityOf = (name: string) => `${name} ${run}`;

  beforeAll(async () => {
    t = await startRentalsTestApp(
      { config: appConfig, create: createApp },
      { env: { SERVICE_FEE_PERCENT: '10', TAX_RATES: 'NL:9,BE:6' } },
    );
  });

  afterAll(async () => {
    await t?.close();
  });

  async function call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
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

  const search = async (query: Record<string, string | number>): Promise<Page> => {
    const reply = await call(
      'GET',
      `/v1/properties?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`,
    );
    expect(reply.statusCode).toBe(200);
    return reply.json<Page>();
  };

  const fieldsOf = (reply: Reply): string[] =>
    (reply.json<{ error: { details: { fields: { path: string }[] } } }>().error.details?.fields ?? []).map(
      (f) => f.path,
    );

  async function book(propertyId: string, from: number, to: number, as = guest): Promise<Json> {
    const reply = await call('POST', '/v1/bookings', {
      as,
      json: { propertyId, checkIn: daysFromToday(from), checkOut: daysFromToday(to), guests: 1 },
    });
    expect(reply.statusCode).toBe(201);
    return reply.json();
  }

  describe('GET /v1/properties', () => {
    it('lists published properties of a city, any case, cheapest first, by guests', async () => {
      const city = cityOf('Zwolle');
      const a = await insertTestProperty(t.dataSource, { city, nightlyPrice: 8_000 });
      const b = await insertTestProperty(t.dataSource, { city: city.toUpperCase(), nightlyPrice: 12_000 });
      await insertTestProperty(t.dataSource, { city, nightlyPrice: 10_000, published: false });
      const small = await insertTestProperty(t.dataSource, { city, nightlyPrice: 9_000, maxGuests: 2 });
      await insertTestProperty(t.dataSource, { city: cityOf('Elsewhere'), nightlyPrice: 5_000 });

      const all = await search({ city: city.toLowerCase() });
      expect(all.items.map((p) => p.id)).toEqual([a.id, small.id, b.id]);
      expect(all.nextCursor).toBeNull();
      expect(all.items[0]).not.toHaveProperty('quote');
      const forThree = await search({ city, guests: 3 });
      expect(forThree.items.map((p) => p.id)).toEqual([a.id, b.id]);
      const priced = await search({ city, minPrice: 8_500, maxPrice: 12_000, sort: 'price_desc' });
      expect(priced.items.map((p) => p.id)).toEqual([b.id, small.id]);
    });

    it('leaves out properties with a held or confirmed booking or a block over the dates, and quotes the rest', async () => {
      const city = cityOf('Delft');
      const held = await insertTestProperty(t.dataSource, { city, nightlyPrice: 7_000 });
      const confirmed = await insertTestProperty(t.dataSource, { city, nightlyPrice: 7_100 });
      const expired = await insertTestProperty(t.dataSource, { city, nightlyPrice: 7_200 });
      const blocked = await insertTestProperty(t.dataSource, { city, nightlyPrice: 7_300 });
      const backToBack = await insertTestProperty(t.dataSource, {
        city,
        nightlyPrice: 7_400,
        cleaningFee: 1_500,
      });
      const longStaysOnly = await insertTestProperty(t.dataSource, {
        city,
        nightlyPrice: 7_500,
        minNights: 5,
      });
      await book(held.id, 10, 12);
      const paid = await book(confirmed.id, 8, 11);
      await t.dataSource.query(`UPDATE rentals.bookings SET status = 'confirmed' WHERE id = $1`, [
        paid['id'],
      ]);
      const lapsed = await book(expired.id, 10, 13);
      await t.dataSource.query(`UPDATE rentals.bookings SET status = 'expired' WHERE id = $1`, [
        lapsed['id'],
      ]);
      await insertTestBlock(t.dataSource, blocked.id, daysFromToday(12), daysFromToday(20));
      // Ends on the day the searched stay begins: no overlap, `[checkIn, checkOut)`.
      await book(backToBack.id, 5, 10);

      const found = await search({
        city,
        checkIn: daysFromToday(10),
        checkOut: daysFromToday(13),
        guests: 2,
      });

      expect(found.items.map((p) => p.id)).toEqual([expired.id, backToBack.id]);
      // 3 × 7 400 + 1 500 = 23 700; 10 % service fee 2 370; 9 % NL tax on 26 070 = 2 346.3 → 2 346.
      expect(found.items[1]?.quote).toEqual({
        nights: 3,
        nightlyPrice: 7_400,
        accommodation: 22_200,
        cleaningFee: 1_500,
        serviceFee: 2_370,
        serviceFeeBps: 1_000,
        tax: 2_346,
        taxBps: 900,
        total: 28_416,
        currency: 'EUR',
      });
      const week = await search({ city, checkIn: daysFromToday(30), checkOut: daysFromToday(37) });
      expect(week.items.map((p) => p.id)).toContain(longStaysOnly.id);
    });

    it('pages with an opaque cursor that neither repeats nor skips rows while others are inserted', async () => {
      const city = cityOf('Gouda');
      const prices = [5_000, 5_000, 5_000, 6_000, 7_000, 7_000, 8_000, 9_000];
      const original = await Promise.all(
        prices.map((nightlyPrice) => insertTestProperty(t.dataSource, { city, nightlyPrice })),
      );
      const expected = (sort: string) => {
        const byId = [...original].sort((x, y) => (x.id < y.id ? -1 : 1));
        const sorted = [...byId].sort((x, y) => x.nightlyPrice - y.nightlyPrice);
        return (sort === 'price_desc' ? sorted.reverse() : sorted).map((p) => p.id);
      };
      for (const sort of ['price_asc', 'price_desc', 'newest']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Page = await search({ city, sort, limit: 3, ...(cursor ? { cursor } : {}) });
          seen.push(...page.items.map((p) => p.id));
          cursor = page.nextCursor;
          pages += 1;
          // Rows that sort before and after the current position appear while paging.
          await insertTestProperty(t.dataSource, { city, nightlyPrice: pages % 2 === 0 ? 1_000 : 99_000 });
        } while (cursor);
        const originals = seen.filter((id) => original.some((p) => p.id === id));
        expect(new Set(seen).size).toBe(seen.length);
        if (sort === 'newest') {
          expect(new Set(originals)).toEqual(new Set(original.map((p) => p.id)));
        } else {
          expect(originals).toEqual(expected(sort));
        }
        if (cursor === null) {
          expect(pages).toBeGreaterThanOrEqual(3);
        }
      }
    });

    it.each([
      ['an unknown parameter', 'city=Utrecht&rating=5', '(body)'],
      ['guests that are not a number', 'guests=two', 'guests'],
      ['checkIn without checkOut', `checkIn=${daysFromToday(3)}`, 'checkOut'],
      ['an impossible date', 'checkIn=2027-02-30&checkOut=2027-03-02', 'checkIn'],
      ['a limit over 100', 'limit=101', 'limit'],
      ['an unknown sort', 'sort=rating', 'sort'],
      ['minPrice over maxPrice', 'minPrice=500&maxPrice=100', 'maxPrice'],
      ['a made-up country', 'country=XX', 'country'],
      ['a forged cursor', 'cursor=eyJzIjoiZm9vIn0', 'cursor'],
      ['a city given twice', 'city=a&city=b', 'city'],
    ])('answers 400 naming the field for %s', async (_name, query, field) => {
      const reply = await call('GET', `/v1/properties?${query}`);
      expect(reply.statusCode).toBe(400);
      expect(reply.json()).toMatchObject({ error: { code: 'validation_failed' } });
      if (field === '(body)') {
        expect(reply.body).toContain('rating');
      } else {
        expect(fieldsOf(reply)).toContain(field);
      }
    });

    it('answers 400 with the reason for dates in the wrong order or in the past', async () => {
      const backwards = await call(
        'GET',
        `/v1/properties?checkIn=${daysFromToday(5)}&checkOut=${daysFromToday(3)}`,
      );
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json()).toMatchObject({ error: { details: { field: 'checkOut' } } });
      const past = await call(
        'GET',
        `/v1/properties?checkIn=${daysFromToday(-2)}&checkOut=${daysFromToday(1)}`,
      );
      expect(past.json()).toMatchObject({ error: { details: { field: 'checkIn' } } });
    });
  });

  describe('quotes and booking prices', () => {
    it('quotes a stay with fees and taxes, and the booking charges exactly that', async () => {
      const property = await insertTestProperty(t.dataSource, {
        nightlyPrice: 12_345,
        cleaningFee: 2_500,
        maxGuests: 3,
      });
      const stay = { checkIn: daysFromToday(40), checkOut: daysFromToday(43), guests: 2 };

      const quote = await call(
        'GET',
        `/v1/properties/${property.id}/quote?${new URLSearchParams({ ...stay, guests: '2' })}`,
      );

      expect(quote.statusCode).toBe(200);
      // 39 535 + 10 % (3 953.5 → 3 954) = 43 489; 9 % tax = 3 914.01 → 3 914; total 47 403.
      const breakdown = {
        accommodation: 37_035,
        cleaningFee: 2_500,
        serviceFee: 3_954,
        tax: 3_914,
        total: 47_403,
      };
      expect(quote.json()).toMatchObject({ propertyId: property.id, ...stay, priceBreakdown: breakdown });
      const booked = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId: property.id, ...stay },
      });
      expect(booked.json()).toMatchObject({ totalAmount: 47_403, priceBreakdown: breakdown });
      const [held] = await outboxEvents(t.dataSource, 'booking.held', String(booked.json()['id']));
      expect(held?.data).toMatchObject({ totalAmount: 47_403 });
    });

    it('refuses stays the property does not allow, with the reason', async () => {
      const property = await insertTestProperty(t.dataSource, { minNights: 3, maxNights: 5, maxGuests: 2 });
      const quote = (from: number, to: number, guests: number) =>
        call(
          'GET',
          `/v1/properties/${property.id}/quote?checkIn=${daysFromToday(from)}&checkOut=${daysFromToday(to)}&guests=${guests}`,
        );

      const short = await quote(10, 12, 1);
      expect(short.statusCode).toBe(400);
      expect(short.json()).toMatchObject({
        error: { message: 'this property is let for at least 3 nights', details: { field: 'checkOut' } },
      });
      expect((await quote(10, 16, 1)).json()).toMatchObject({
        error: { details: { field: 'checkOut', maxNights: 5 } },
      });
      expect((await quote(10, 13, 3)).json()).toMatchObject({
        error: { details: { field: 'guests', maxGuests: 2 } },
      });
      const booking = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId: property.id, checkIn: daysFromToday(10), checkOut: daysFromToday(11), guests: 1 },
      });
      expect(booking.statusCode).toBe(400);
      expect((await quote(10, 13, 2)).statusCode).toBe(200);
      expect(
        (await call('GET', `/v1/properties/${property.id}/quote?checkIn=${daysFromToday(10)}`)).statusCode,
      ).toBe(400);
    });

    it('neither quotes nor books an unpublished property', async () => {
      const draft = await insertTestProperty(t.dataSource, { published: false });
      const stay = `checkIn=${daysFromToday(10)}&checkOut=${daysFromToday(12)}&guests=1`;
      expect((await call('GET', `/v1/properties/${draft.id}/quote?${stay}`)).statusCode).toBe(404);
      const booking = await call('POST', '/v1/bookings', {
        as: guest,
        json: { propertyId: draft.id, checkIn: daysFromToday(10), checkOut: daysFromToday(12), guests: 1 },
      });
      expect(booking.statusCode).toBe(404);
    });
  });

  describe('hosts manage their listings', () => {
    const listing = {
      title: 'Windmill',
      description: 'By the river',
      city: cityOf('Kinderdijk'),
      country: 'NL',
      nightlyPrice: 20_000,
      currency: 'EUR',
      maxGuests: 4,
      cleaningFee: 3_000,
    };

    it('lets the host change price and policy without touching existing bookings; search sees it at once', async () => {
      const created = await call('POST', '/v1/properties', { as: host, json: listing });
      expect(created.statusCode).toBe(201);
      const id = String(created.json()['id']);
      const before = await book(id, 20, 22);

      const patched = await call('PATCH', `/v1/properties/${id}`, {
        as: host,
        json: {
          nightlyPrice: 30_000,
          cleaningFee: 0,
          cancellationPolicy: 'strict',
          minNights: 2,
          title: 'Big windmill',
        },
      });

      expect(patched.statusCode).toBe(200);
      expect(patched.json()).toMatchObject({
        nightlyPrice: 30_000,
        cancellationPolicy: 'strict',
        title: 'Big windmill',
        hostId: host.id,
      });
      const kept = await call('GET', `/v1/bookings/${String(before['id'])}`, { as: guest });
      expect(kept.json()).toMatchObject({
        totalAmount: before['totalAmount'],
        priceBreakdown: before['priceBreakdown'],
        cancellationPolicy: 'moderate',
      });
      const after = await book(id, 30, 32);
      expect(after).toMatchObject({
        cancellationPolicy: 'strict',
        priceBreakdown: { nightlyPrice: 30_000, cleaningFee: 0 },
      });
      expect((await search({ city: listing.city })).items).toEqual([
        expect.objectContaining({ id, nightlyPrice: 30_000, title: 'Big windmill' }),
      ]);

      expect(
        (await call('PATCH', `/v1/properties/${id}`, { as: host, json: { published: false } })).statusCode,
      ).toBe(200);
      expect((await search({ city: listing.city })).items).toEqual([]);
      // A draft is its host's (and admins') alone, by id too.
      expect((await call('GET', `/v1/properties/${id}`)).statusCode).toBe(404);
      expect((await call('GET', `/v1/properties/${id}`, { as: otherHost })).statusCode).toBe(404);
      expect((await call('GET', `/v1/properties/${id}`, { as: host })).json()).toMatchObject({
        id,
        published: false,
      });
    });

    it('refuses other hosts, guests, forbidden and unknown fields, and contradictory stay rules', async () => {
      const id = String((await call('POST', '/v1/properties', { as: host, json: listing })).json()['id']);
      const patch = (json: unknown, as: TestUser = host) =>
        call('PATCH', `/v1/properties/${id}`, { as, json });

      expect((await patch({ title: 'Mine now' }, otherHost)).statusCode).toBe(403);
      expect((await patch({ title: 'Mine now' }, guest)).statusCode).toBe(403);
      expect((await call('PATCH', `/v1/properties/${id}`, { json: { title: 'x' } })).statusCode).toBe(401);
      expect(
        (await call('PATCH', `/v1/properties/${randomUUID()}`, { as: host, json: { title: 'x' } }))
          .statusCode,
      ).toBe(404);
      for (const forbidden of [
        { hostId: otherHost.id },
        { id: randomUUID() },
        { currency: 'USD' },
        { rating: 5 },
      ]) {
        const reply = await patch(forbidden);
        expect(reply.statusCode).toBe(400);
        expect(reply.body).toContain(Object.keys(forbidden)[0]);
      }
      expect(fieldsOf(await patch({ nightlyPrice: 0 }))).toEqual(['nightlyPrice']);
      expect((await patch({})).statusCode).toBe(400);
      expect(fieldsOf(await patch({ minNights: 400 }))).toEqual(['minNights']);
      await patch({ maxNights: 10 });
      expect(fieldsOf(await patch({ minNights: 11 }))).toEqual(['minNights']);
      const read = await call('GET', `/v1/properties/${id}`);
      expect(read.json()).toMatchObject({
        hostId: host.id,
        title: listing.title,
        maxNights: 10,
        minNights: 1,
      });
    });

    it('refuses a status or hostId smuggled in beside a real change, and changes nothing', async () => {
      const id = String((await call('POST', '/v1/properties', { as: host, json: listing })).json()['id']);
      const before = (await call('GET', `/v1/properties/${id}`)).json();

      for (const smuggled of [{ status: 'confirmed' }, { hostId: otherHost.id }]) {
        const reply = await call('PATCH', `/v1/properties/${id}`, {
          as: host,
          json: { title: 'Renamed', nightlyPrice: 1, ...smuggled },
        });
        expect(reply.statusCode).toBe(400);
        expect(reply.json()).toMatchObject({ error: { code: 'validation_failed' } });
        expect(reply.body).toContain(Object.keys(smuggled)[0]);
      }
      expect((await call('GET', `/v1/properties/${id}`)).json()).toEqual(before);
      const rows = (await t.dataSource.query(
        `SELECT host_id AS "hostId", title, updated_at AS "updatedAt" FROM rentals.properties WHERE id = $1`,
        [id],
      )) as { hostId: string; title: string; updatedAt: Date }[];
      expect(rows).toEqual([
        { hostId: host.id, title: listing.title, updatedAt: new Date(String(before['updatedAt'])) },
      ]);
    });

    it('lets the host delete an image: gone from the listing and from storage', async () => {
      const id = String((await call('POST', '/v1/properties', { as: host, json: listing })).json()['id']);
      const imageId = randomUUID();
      const storage = t.app.get<BlobStorage>(BLOB_STORAGE);
      const originalKey = `properties/${id}/images/${imageId}/original`;
      const variantKey = `properties/${id}/images/${imageId}/w320.webp`;
      await storage.put(originalKey, Buffer.from('original'), 'image/png');
      await storage.put(variantKey, Buffer.from('variant'), 'image/webp');
      await t.app
        .get(ImageRepository)
        .insert({ id: imageId, propertyId: id, originalKey, contentType: 'image/png' });
      await t.app.get(ImageRepository).markReady(imageId, [{ width: 320, format: 'webp', key: variantKey }]);
      const path = `/v1/properties/${id}/images/${imageId}`;

      expect((await call('DELETE', path, { as: otherHost })).statusCode).toBe(403);
      expect((await call('DELETE', path, { as: guest })).statusCode).toBe(403);
      expect(
        (await call('DELETE', `/v1/properties/${id}/images/${randomUUID()}`, { as: host })).statusCode,
      ).toBe(404);
      const deleted = await call('DELETE', path, { as: host });

      expect(deleted.statusCode).toBe(204);
      expect((await call('GET', `/v1/properties/${id}`)).json()).toMatchObject({ images: [] });
      const left = await readdir(join(t.config.BLOB_STORAGE_DIR, 'properties', id), {
        recursive: true,
        withFileTypes: true,
      });
      expect(left.filter((entry) => entry.isFile())).toEqual([]);
      expect((await call('DELETE', path, { as: host })).statusCode).toBe(404);
    });
  });

  describe('everyone lists their own', () => {
    it("pages a host's properties, drafts included, and nobody else's", async () => {
      const lister = testUser('host');
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push((await insertTestProperty(t.dataSource, { hostId: lister.id, published: i !== 2 })).id);
      }
      await insertTestProperty(t.dataSource, { hostId: otherHost.id });
      const first = await call('GET', '/v1/host/properties?limit=3', { as: lister });
      const firstPage = first.json<Page>();
      expect(firstPage.items).toHaveLength(3);
      const second = await call('GET', `/v1/host/properties?limit=3&cursor=${firstPage.nextCursor}`, {
        as: lister,
      });
      const seen = [...firstPage.items, ...second.json<Page>().items].map((p) => p.id);
      expect(new Set(seen)).toEqual(new Set(ids));
      expect(second.json<Page>().nextCursor).toBeNull();
      expect((await call('GET', '/v1/host/properties', { as: guest })).statusCode).toBe(403);
      expect((await call('GET', '/v1/host/properties')).statusCode).toBe(401);
      expect(fieldsOf(await call('GET', '/v1/host/properties?cursor=abc', { as: lister }))).toEqual([
        'cursor',
      ]);
    });

    it('shows a host the bookings on their properties only, by property and status', async () => {
      const owner = testUser('host');
      const mine = await insertTestProperty(t.dataSource, { hostId: owner.id });
      const alsoMine = await insertTestProperty(t.dataSource, { hostId: owner.id });
      const theirs = await insertTestProperty(t.dataSource, { hostId: otherHost.id });
      const b1 = await book(mine.id, 3, 4);
      const b2 = await book(alsoMine.id, 3, 4, otherGuest);
      await book(theirs.id, 3, 4);
      await t.dataSource.query(`UPDATE rentals.bookings SET status = 'confirmed' WHERE id = $1`, [b2['id']]);

      const all = (await call('GET', '/v1/host/bookings', { as: owner })).json<Page<Json>>();
      expect(all.items.map((b) => b['id'])).toEqual([b2['id'], b1['id']]);
      const ofOne = (await call('GET', `/v1/host/bookings?propertyId=${mine.id}`, { as: owner })).json<
        Page<Json>
      >();
      expect(ofOne.items.map((b) => b['id'])).toEqual([b1['id']]);
      const confirmed = (await call('GET', '/v1/host/bookings?status=confirmed', { as: owner })).json<
        Page<Json>
      >();
      expect(confirmed.items.map((b) => b['id'])).toEqual([b2['id']]);
      expect((await call('GET', `/v1/host/bookings?propertyId=${theirs.id}`, { as: owner })).statusCode).toBe(
        404,
      );
      expect(fieldsOf(await call('GET', '/v1/host/bookings?status=lost', { as: owner }))).toEqual(['status']);
      expect(fieldsOf(await call('GET', '/v1/host/bookings?propertyId=nope', { as: owner }))).toEqual([
        'propertyId',
      ]);
    });

    it("pages a guest's own bookings, by status", async () => {
      const traveller = testUser('guest');
      const property = await insertTestProperty(t.dataSource);
      const made = [];
      for (let i = 0; i < 4; i += 1) {
        made.push(await book(property.id, 50 + i * 2, 51 + i * 2, traveller));
      }
      await book(property.id, 70, 71, otherGuest);
      await t.dataSource.query(`UPDATE rentals.bookings SET status = 'cancelled' WHERE id = $1`, [
        made[0]?.['id'],
      ]);

      const first = (await call('GET', '/v1/bookings?limit=2', { as: traveller })).json<Page<Json>>();
      const second = (
        await call('GET', `/v1/bookings?limit=2&cursor=${first.nextCursor}`, { as: traveller })
      ).json<Page<Json>>();
      expect([...first.items, ...second.items].map((b) => b['id'])).toEqual(
        made.map((b) => b['id']).reverse(),
      );
      expect(second.nextCursor).toBeNull();
      const cancelled = (await call('GET', '/v1/bookings?status=cancelled', { as: traveller })).json<
        Page<Json>
      >();
      expect(cancelled.items.map((b) => b['id'])).toEqual([made[0]?.['id']]);
      expect((await call('GET', '/v1/bookings', { as: host })).statusCode).toBe(403);
      expect((await call('GET', '/v1/bookings')).statusCode).toBe(401);
    });
  });
});
