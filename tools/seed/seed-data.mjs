// What `npm run seed` creates. Days are relative to today, so the demo always has stays behind and
// ahead of it.

/** The demo accounts' password, printed at the end of a run (`SEED_PASSWORD` overrides it). */
export const PASSWORD = 'rentguy-demo-2026';

export const hosts = [
  { email: 'hanna.host@rentguy.test', name: 'Hanna de Vries', role: 'host' },
  { email: 'henrik.host@rentguy.test', name: 'Henrik Berg', role: 'host' },
  { email: 'helena.host@rentguy.test', name: 'Helena Costa', role: 'host' },
];

export const guests = [
  { email: 'gus.guest@rentguy.test', name: 'Gus Guest', role: 'guest' },
  { email: 'greta.guest@rentguy.test', name: 'Greta Jansen', role: 'guest' },
  { email: 'gino.guest@rentguy.test', name: 'Gino Rossi', role: 'guest' },
];

const listing = (host, title, city, country, nightlyPrice, extra = {}) => ({
  host,
  title,
  city,
  country,
  nightlyPrice,
  currency: 'EUR',
  cleaningFee: 3_500,
  maxGuests: 4,
  minNights: 1,
  maxNights: 30,
  cancellationPolicy: 'moderate',
  published: true,
  description: `${title}: a demo listing in ${city}.`,
  ...extra,
});

const [hanna, henrik, helena] = hosts.map((h) => h.email);

export const listings = [
  listing(hanna, 'Canal house on the Herengracht', 'Amsterdam', 'NL', 18_500, { maxGuests: 6 }),
  listing(hanna, 'Houseboat near Westerpark', 'Amsterdam', 'NL', 14_000, { cancellationPolicy: 'strict' }),
  listing(hanna, 'Studio by the Dom tower', 'Utrecht', 'NL', 9_500, { maxGuests: 2, cleaningFee: 2_000 }),
  listing(hanna, 'Loft with a view of the Erasmus bridge', 'Rotterdam', 'NL', 12_000),
  listing(henrik, 'Altbau flat in Prenzlauer Berg', 'Berlin', 'DE', 11_000, { minNights: 2 }),
  listing(henrik, 'Garden cottage in Potsdam', 'Potsdam', 'DE', 13_500, { cancellationPolicy: 'flexible' }),
  listing(henrik, 'Penthouse on the Spree', 'Berlin', 'DE', 24_000, { maxGuests: 5, minNights: 3 }),
  listing(helena, 'Azulejo apartment in Alfama', 'Lisbon', 'PT', 10_500),
  listing(helena, 'Surf house in Ericeira', 'Ericeira', 'PT', 15_500, { maxGuests: 8, cleaningFee: 6_000 }),
  listing(helena, 'Terrace flat in Gràcia', 'Barcelona', 'ES', 16_000, { cancellationPolicy: 'flexible' }),
];

const [gus, greta, gino] = guests.map((g) => g.email);
const title = (i) => listings[i].title;

/** `from`: days from today to check-in (negative: in the past). */
export const bookings = [
  { listing: title(0), guest: gus, from: -60, nights: 4, guests: 2 },
  { listing: title(0), guest: greta, from: 21, nights: 5, guests: 4 },
  { listing: title(1), guest: gino, from: -30, nights: 3, guests: 2 },
  { listing: title(1), guest: gus, from: 45, nights: 2, guests: 2 },
  { listing: title(2), guest: greta, from: -12, nights: 2, guests: 1 },
  { listing: title(3), guest: gino, from: 10, nights: 3, guests: 3 },
  { listing: title(4), guest: gus, from: -90, nights: 7, guests: 2 },
  { listing: title(4), guest: greta, from: 30, nights: 4, guests: 2 },
  { listing: title(5), guest: gino, from: 14, nights: 2, guests: 4 },
  { listing: title(6), guest: gus, from: -20, nights: 5, guests: 5 },
  { listing: title(7), guest: greta, from: -45, nights: 6, guests: 2 },
  { listing: title(7), guest: gino, from: 60, nights: 7, guests: 2 },
  { listing: title(8), guest: gus, from: 35, nights: 5, guests: 6 },
  { listing: title(9), guest: greta, from: -5, nights: 3, guests: 3 },
  { listing: title(9), guest: gino, from: 25, nights: 4, guests: 2 },
];

/** Dates hosts take off the market. */
export const blocks = [
  { listing: title(0), from: 40, nights: 7, note: 'Family visiting' },
  { listing: title(4), from: 50, nights: 10, note: 'Renovation' },
  { listing: title(8), from: 70, nights: 14, note: 'Owner on holiday here' },
];
