// The read cache under a realistic read mix, on rentals' own port after the search data set is
// seeded: which share of lookups the two tiers answer once warm (target ≥ 85%, issue 7 §7).
//   60% property pages, ids drawn Zipf-like from 10,000 listings (a few are very popular);
//   25% search pages without dates: a city by listing share, cheapest first or newest;
//   15% dated searches: a city by listing share, two nights from one of the next 8 Fridays, 2 guests.
import { load } from './measure.mjs';

const DAY_MS = 86_400_000;

/** Index 0..n-1 drawn with probability ∝ 1/(k+1)^s. */
function zipfPicker(n, s, random) {
  const cumulative = [];
  let total = 0;
  for (let k = 0; k < n; k += 1) {
    total += 1 / (k + 1) ** s;
    cumulative.push(total);
  }
  return () => {
    const r = random() * total;
    let lo = 0;
    let hi = n - 1;
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

/** Sum of `cache_requests_total` of `rentals`' metrics, by result and by tier. */
async function lookups(opsUrl) {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const totals = { hits: 0, l1: 0, l1Hits: 0, l2Hits: 0 };
  for (const [, tier, result, n] of text.matchAll(
    /^cache_requests_total\{cache="\w+",tier="(\w+)",result="(\w+)"\} (\d+)/gm,
  )) {
    const count = Number(n);
    if (result === 'hit') {
      totals.hits += count;
      totals[tier === 'l1' ? 'l1Hits' : 'l2Hits'] += count;
    }
    if (tier === 'l1') {
      totals.l1 += count;
    }
  }
  return totals;
}

export async function cacheReadMix({ rentals, rentalsOps, client, seed, durationS, random }) {
  const { rows } = await client.query(
    'SELECT id FROM rentals.properties WHERE published ORDER BY id LIMIT 10000',
  );
  const ids = rows.map((row) => row.id);
  const pickProperty = zipfPicker(ids.length, 1, random);
  const pickCity = zipfPicker(Math.min(seed.cities.length, 50), 1, random);
  const firstFriday = (() => {
    const day = new Date(seed.today + DAY_MS);
    while (day.getUTCDay() !== 5) {
      day.setTime(day.getTime() + DAY_MS);
    }
    return day.getTime();
  })();
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const nextPath = () => {
    const r = random();
    if (r < 0.6) {
      return `/v1/properties/${ids[pickProperty()]}`;
    }
    const city = encodeURIComponent(seed.cities[pickCity()].name);
    if (r < 0.85) {
      return `/v1/properties?city=${city}&sort=${random() < 0.7 ? 'price_asc' : 'newest'}`;
    }
    const start = firstFriday + Math.floor(random() * 8) * 7 * DAY_MS;
    return `/v1/properties?city=${city}&checkIn=${iso(start)}&checkOut=${iso(start + 2 * DAY_MS)}&guests=2`;
  };
  // Steady state, as a running platform's cache is: the mix runs once untimed, then is measured.
  await load('read mix warm-up', {
    durationS,
    url: rentals,
    next: () => ({ path: nextPath() }),
  });
  const before = await lookups(rentalsOps);
  const row = await load('read mix direct (rentals, cached)', {
    durationS,
    url: rentals,
    next: () => ({ path: nextPath() }),
  });
  const after = await lookups(rentalsOps);
  const l1 = after.l1 - before.l1;
  return {
    row,
    lookups: l1,
    hitRatio: l1 === 0 ? 0 : (after.hits - before.hits) / l1,
    l1HitRatio: l1 === 0 ? 0 : (after.l1Hits - before.l1Hits) / l1,
  };
}
