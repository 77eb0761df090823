import { randomUUID } from 'node:crypto';
import { daysFromToday, startRentalsTestApp, type RentalsTestApp } from '@rentguy/testing/rentals';
import { createApp } from './bootstrap';
import { appConfig, type AppConfig } from './config';

/** mulberry32: seeded, so a failure can be replayed with the seed it prints. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Listing {
  id: string;
  country: string;
  nightlyPrice: number;
  maxGuests: number;
  minNights: number;
  maxNights: number;
  published: boolean;
  createdAt: number;
  /** Day offsets `[from, to)` that hold the dates: held/confirmed bookings and blocks. */
  taken: [number, number][];
}

/**
 * Search against a brute-force oracle: a generated city of listings with bookings of every status
 * and blocks, random criteria, every page walked through HTTP. The pages together must be exactly
 * the oracle's answer, in its order, with no duplicates.
 */
describe('search against a brute-force oracle', () => {
  let t: RentalsTestApp<AppConfig>;
  const seed = Number(process.env['SEARCH_ORACLE_SEED'] ?? Date.now() % 1_000_000);
  const random = prng(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const city = `Oracle ${randomUUID().slice(0, 8)}`;
  const listings: Listing[] = [];

  beforeAll(async () => {
    t = await startRentalsTestApp({ config: appConfig, create: createApp });
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 80; i += 1) {
      const listing: Listing = {
        id: randomUUID(),
        country: pick(['NL', 'BE']),
        // Few distinct prices and creation times, so ties exercise the id tiebreaker.
        nightlyPrice: pick([5_000, 6_000, 7_000, 8_000, 9_000]),
        maxGuests: 1 + Math.floor(random() * 6),
        minNights: pick([1, 1, 1, 2, 3]),
        maxNights: pick([3, 7, 30, 365]),
        published: random() < 0.85,
        createdAt: base + Math.floor(random() * 20) * 1000,
        taken: [],
      };
      listings.push(listing);
      await t.dataSource.query(
        `INSERT INTO rentals.properties (id, host_id, title, description, city, country, nightly_price, currency,
                                         max_guests, published, min_nights, max_nights, created_at)
         VALUES ($1, $2, 'Oracle home', '', $3, $4, $5, 'EUR', $6, $7, $8, $9, $10)`,
        [
          listing.id,
          randomUUID(),
          random() < 0.5 ? city : city.toUpperCase(),
          listing.country,
          listing.nightlyPrice,
          listing.maxGuests,
          listing.published,
          listing.minNights,
          listing.maxNights,
          new Date(listing.createdAt),
        ],
      );
      let day = Math.floor(random() * 10);
      for (let j = 0; j < 4; j += 1) {
        const from = day + Math.floor(random() * 10);
        const to = from + 1 + Math.floor(random() * 6);
        day = to;
        const kind = pick([
          'held',
          'confirmed',
          'expired',
          'cancelled',
          'completed',
          'block',
          'none',
        ] as const);
        if (kind === 'none') {
          continue;
        }
        if (kind === 'block') {
          await t.dataSource.query(
            `INSERT INTO rentals.blocks (id, property_id, starts_on, ends_on) VALUES ($1, $2, $3, $4)`,
            [randomUUID(), listing.id, daysFromToday(from), daysFromToday(to)],
          );
        } else {
          await t.dataSource.query(
            `INSERT INTO rentals.bookings (id, property_id, guest_id, guest_email, guest_name, check_in, check_out,
                                           guests, status, total_amount, currency, price_breakdown, expires_at)
             VALUES ($1, $2, $3, 'o@example.test', 'O', $4, $5, 1, $6, 1, 'EUR', '{}', now())`,
            [randomUUID(), listing.id, randomUUID(), daysFromToday(from), daysFromToday(to), kind],
          );
        }
        if (kind === 'held' || kind === 'confirmed' || kind === 'block') {
          listing.taken.push([from, to]);
        }
      }
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  function oracle(criteria: {
    country?: string;
    stay?: [number, number];
    guests?: number;
    minPrice?: number;
    maxPrice?: number;
    sort: 'price_asc' | 'price_desc' | 'newest';
  }): string[] {
    const { stay } = criteria;
    const matching = listings.filter(
      (l) =>
        l.published &&
        (criteria.country === undefined || l.country === criteria.country) &&
        (criteria.guests === undefined || l.maxGuests >= criteria.guests) &&
        (criteria.minPrice === undefined || l.nightlyPrice >= criteria.minPrice) &&
        (criteria.maxPrice === undefined || l.nightlyPrice <= criteria.maxPrice) &&
        (stay === undefined ||
          (l.minNights <= stay[1] - stay[0] &&
            l.maxNights >= stay[1] - stay[0] &&
            l.taken.every(([from, to]) => !(from < stay[1] && stay[0] < to)))),
    );
    const byId = (a: Listing, b: Listing) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const sorted = matching.sort((a, b) => {
      switch (criteria.sort) {
        case 'price_asc':
          return a.nightlyPrice - b.nightlyPrice || byId(a, b);
        case 'price_desc':
          return b.nightlyPrice - a.nightlyPrice || byId(b, a);
        case 'newest':
          return b.createdAt - a.createdAt || byId(b, a);
      }
    });
    return sorted.map((l) => l.id);
  }

  it(`returns exactly the oracle's listings in its order over every page (seed ${seed})`, async () => {
    for (let round = 0; round < 40; round += 1) {
      const sort = pick(['price_asc', 'price_desc', 'newest'] as const);
      const criteria = {
        sort,
        ...(random() < 0.3 ? { country: pick(['NL', 'BE']) } : {}),
        ...(random() < 0.6
          ? (() => {
              const from = 1 + Math.floor(random() * 40);
              return { stay: [from, from + 1 + Math.floor(random() * 8)] as [number, number] };
            })()
          : {}),
        ...(random() < 0.5 ? { guests: 1 + Math.floor(random() * 6) } : {}),
        ...(random() < 0.3 ? { minPrice: pick([5_000, 6_000, 7_000]) } : {}),
        ...(random() < 0.3 ? { maxPrice: pick([7_000, 8_000, 9_000]) } : {}),
      };
      const limit = 1 + Math.floor(random() * 7);
      const params = new URLSearchParams({
        city: random() < 0.5 ? city.toLowerCase() : city,
        sort,
        limit: String(limit),
      });
      if (criteria.country) {
        params.set('country', criteria.country.toLowerCase());
      }
      if (criteria.stay) {
        params.set('checkIn', daysFromToday(criteria.stay[0]));
        params.set('checkOut', daysFromToday(criteria.stay[1]));
      }
      for (const key of ['guests', 'minPrice', 'maxPrice'] as const) {
        if (criteria[key] !== undefined) {
          params.set(key, String(criteria[key]));
        }
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams(params);
        if (cursor) {
          query.set('cursor', cursor);
        }
        const reply = await t.http.inject({ method: 'GET', url: `/v1/properties?${query}` });
        expect(reply.statusCode).toBe(200);
        const page = reply.json<{
          items: { id: string; quote?: { total: number } }[];
          nextCursor: string | null;
        }>();
        expect(page.items.length).toBeLessThanOrEqual(limit);
        for (const item of page.items) {
          expect(item.quote !== undefined).toBe(criteria.stay !== undefined);
        }
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect({ round, criteria, limit, ids: seen }).toEqual({
        round,
        criteria,
        limit,
        ids: oracle(criteria),
      });
    }
  });
});
