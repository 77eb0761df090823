// The search scenario's data set, written with COPY (pg-copy-streams) straight into the rentals
// schema of the bench database: properties in cities of very different sizes and bookings of every
// status, a few hundred days of calendar each, as a long-running platform would have them.
// Deterministic (seeded PRNG), so two runs measure the same data.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';

const DAY_MS = 86_400_000;
const COUNTRIES = ['NL', 'BE', 'DE', 'FR', 'ES', 'IT', 'PT', 'AT', 'DK', 'IE'];
const POLICIES = ['flexible', 'moderate', 'strict'];

/** mulberry32: a small, fast, seeded PRNG (the bench draws the same data and mixes every run). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `count` cities whose sizes follow a Zipf-like law (the largest holds several percent of all
 * listings, the smallest a few dozen), as listings do in real markets.
 */
export function benchCities(count) {
  const weights = Array.from({ length: count }, (_, k) => 1 / (k + 1) ** 0.9);
  const sum = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, k) => ({
    name: `City ${String(k + 1).padStart(3, '0')}`,
    country: COUNTRIES[k % COUNTRIES.length],
    share: w / sum,
  }));
}

/** Picks an index by the cumulative shares of `cities`. */
export function cityPicker(cities, random) {
  const cumulative = [];
  let total = 0;
  for (const city of cities) {
    total += city.share;
    cumulative.push(total);
  }
  return () => {
    const r = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < r) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  };
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms) => new Date(ms).toISOString();

/** COPY text format, rows of tab-separated values; `batch` rows per chunk keep the stream cheap. */
function copyStream(rows, batch = 2_000) {
  return Readable.from(
    (function* chunks() {
      let lines = [];
      for (const row of rows) {
        lines.push(row.join('\t'));
        if (lines.length === batch) {
          yield `${lines.join('\n')}\n`;
          lines = [];
        }
      }
      if (lines.length > 0) {
        yield `${lines.join('\n')}\n`;
      }
    })(),
  );
}

/**
 * Seeds `properties` listings and `bookingsPerProperty` bookings each into `client`'s rentals
 * schema; returns the cities and timings (ms) of each step.
 */
export async function seedSearchData(
  client,
  { properties, bookingsPerProperty, cities: cityCount, seed = 7 },
) {
  const random = prng(seed);
  const cities = benchCities(cityCount);
  const pickCity = cityPicker(cities, random);
  const now = Date.now();
  const today = Date.UTC(
    new Date(now).getUTCFullYear(),
    new Date(now).getUTCMonth(),
    new Date(now).getUTCDate(),
  );
  const hosts = Array.from({ length: Math.max(1, Math.floor(properties / 10)) }, () => randomUUID());
  const guests = Array.from({ length: 50_000 }, () => randomUUID());
  const timings = {};

  const listed = [];
  let started = performance.now();
  await pipeline(
    copyStream(
      (function* rows() {
        for (let i = 0; i < properties; i += 1) {
          const city = cities[pickCity()];
          const id = randomUUID();
          const nightlyPrice = 4_000 + Math.floor(random() * 46_000);
          const maxGuests = 1 + Math.floor(random() * 8);
          const minNights = random() < 0.8 ? 1 : 2 + Math.floor(random() * 2);
          listed.push({ id, nightlyPrice });
          const createdAt = iso(now - Math.floor(random() * 730 * DAY_MS));
          yield [
            id,
            hosts[Math.floor(random() * hosts.length)],
            `Home ${i}`,
            'A bench listing',
            city.name,
            city.country,
            nightlyPrice,
            'EUR',
            maxGuests,
            Math.floor(random() * 5_000),
            random() < 0.95 ? 't' : 'f',
            minNights,
            random() < 0.9 ? 365 : 30,
            POLICIES[Math.floor(random() * 3)],
            createdAt,
            createdAt,
          ];
        }
      })(),
    ),
    client.query(
      copyFrom(
        `COPY rentals.properties (id, host_id, title, description, city, country, nightly_price, currency,
           max_guests, cleaning_fee, published, min_nights, max_nights, cancellation_policy, created_at, updated_at)
         FROM STDIN`,
      ),
    ),
  );
  timings.properties = performance.now() - started;

  started = performance.now();
  await pipeline(
    copyStream(
      (function* rows() {
        for (const property of listed) {
          // Stays one after the other from two months ago on, so the exclusion constraint holds.
          let day = today - (60 - Math.floor(random() * 10)) * DAY_MS;
          for (let j = 0; j < bookingsPerProperty; j += 1) {
            day += Math.floor(random() * 21) * DAY_MS;
            const nights = 1 + Math.floor(random() * 7);
            const checkOut = day + nights * DAY_MS;
            const r = random();
            const status =
              checkOut < today
                ? r < 0.85
                  ? 'completed'
                  : 'cancelled'
                : r < 0.7
                  ? 'confirmed'
                  : r < 0.75
                    ? 'held'
                    : r < 0.9
                      ? 'cancelled'
                      : 'expired';
            const total = property.nightlyPrice * nights;
            // Booked up to 90 days ahead of the stay, and never in the future.
            const createdAt = Math.min(
              day - Math.floor(random() * 90) * DAY_MS,
              now - Math.floor(random() * DAY_MS),
            );
            const breakdown = JSON.stringify({
              nights,
              nightlyPrice: property.nightlyPrice,
              accommodation: total,
              cleaningFee: 0,
              serviceFee: 0,
              serviceFeeBps: 0,
              tax: 0,
              taxBps: 0,
              total,
              currency: 'EUR',
            });
            yield [
              randomUUID(),
              property.id,
              guests[Math.floor(random() * guests.length)],
              'guest@bench.test',
              'Bench Guest',
              isoDay(day),
              isoDay(checkOut),
              1,
              status,
              total,
              'EUR',
              breakdown,
              'flexible',
              iso(status === 'held' ? now + 15 * 60_000 : createdAt + 15 * 60_000),
              status === 'confirmed' || status === 'completed' ? iso(createdAt + 60_000) : '\\N',
              iso(createdAt),
            ];
            day = checkOut;
          }
        }
      })(),
    ),
    client.query(
      copyFrom(
        `COPY rentals.bookings (id, property_id, guest_id, guest_email, guest_name, check_in, check_out, guests,
           status, total_amount, currency, price_breakdown, cancellation_policy, expires_at, confirmed_at, created_at)
         FROM STDIN`,
      ),
    ),
  );
  timings.bookings = performance.now() - started;

  started = performance.now();
  // Search reads availability from calendar_claims, which the bookings' trigger filled during the COPY.
  await client.query('ANALYZE rentals.properties, rentals.bookings, rentals.blocks, rentals.calendar_claims');
  timings.analyze = performance.now() - started;
  return { cities, timings, today };
}
