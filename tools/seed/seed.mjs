// `npm run seed`: demo data in a running local platform (README, "Demo data"). Accounts, listings
// and images go through the gateway's public API like a client; bookings are written straight into
// rentals' schema, because the API only books future stays and confirms them through a payment.
// Every step looks before it writes, so running it again adds nothing.
import { createHash } from 'node:crypto';
import pg from 'pg';
import sharp from 'sharp';
import { blocks, bookings, guests, hosts, listings, PASSWORD } from './seed-data.mjs';

const API = (process.env.SEED_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/rentguy';
const password = process.env.SEED_PASSWORD ?? PASSWORD;

class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
    this.status = status;
  }
}

async function call(method, path, { token, json, form } = {}) {
  const headers = { accept: 'application/json' };
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : form,
    });
  } catch (error) {
    throw new Error(`cannot reach the gateway at ${API} (is \`npm start\` running?): ${error.message}`, {
      cause: error,
    });
  }
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new ApiError(method, path, response.status, body);
  }
  return body;
}

/** A stable UUID from a name, so rows written straight into the database have the same id every run. */
function stableId(name) {
  const hex = createHash('sha256').update(`rentguy-seed:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const isoDay = (offsetDays) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const userIdOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;

function progress(step, total, name, detail) {
  process.stdout.write(`[${step}/${total}] ${name.padEnd(10)} ${detail}\n`);
}

/** Registers the account, or signs in when it exists already. */
async function account(user) {
  try {
    const { email, name, role } = user;
    const created = await call('POST', '/v1/auth/register', { json: { email, name, role, password } });
    return { ...user, token: created.accessToken, id: created.user.id, created: true };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) {
      throw error;
    }
  }
  const session = await call('POST', '/v1/auth/login', { json: { email: user.email, password } });
  return { ...user, token: session.accessToken, id: userIdOf(session.accessToken), created: false };
}

async function seedAccounts(ctx) {
  for (const user of [...hosts, ...guests]) {
    const seeded = await account(user);
    ctx.users.set(user.email, seeded);
    ctx.counts.accountsCreated += seeded.created ? 1 : 0;
  }
  return `${ctx.users.size} accounts (${ctx.counts.accountsCreated} new)`;
}

async function seedListings(ctx) {
  let created = 0;
  for (const host of hosts) {
    const { token } = ctx.users.get(host.email);
    const own = await call('GET', '/v1/host/properties?limit=100', { token });
    for (const listing of listings.filter((l) => l.host === host.email)) {
      const { host: _email, ...fields } = listing;
      let property = own.items.find((p) => p.title === listing.title);
      if (!property) {
        property = await call('POST', '/v1/properties', { token, json: fields });
        created += 1;
      }
      ctx.properties.set(listing.title, { ...property, token });
    }
  }
  return `${ctx.properties.size} listings in ${new Set(listings.map((l) => l.city)).size} cities (${created} new)`;
}

/** A photo-like JPEG for a listing: sky, hills and a house in the listing's colours. */
function listingImage(title, hue) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1067">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="hsl(${hue},70%,80%)"/><stop offset="1" stop-color="hsl(${hue},60%,95%)"/>
    </linearGradient></defs>
    <rect width="1600" height="1067" fill="url(#sky)"/>
    <circle cx="1300" cy="220" r="110" fill="hsl(45,95%,65%)"/>
    <path d="M0 760 Q400 600 800 740 T1600 700 V1067 H0 Z" fill="hsl(${(hue + 90) % 360},45%,45%)"/>
    <rect x="560" y="520" width="480" height="330" fill="hsl(${(hue + 200) % 360},35%,92%)"/>
    <polygon points="520,530 800,330 1080,530" fill="hsl(${(hue + 10) % 360},55%,40%)"/>
    <rect x="760" y="680" width="90" height="170" fill="hsl(${hue},40%,30%)"/>
    <rect x="610" y="590" width="100" height="80" fill="hsl(200,60%,75%)"/>
    <rect x="890" y="590" width="100" height="80" fill="hsl(200,60%,75%)"/>
    <text x="60" y="1010" font-family="sans-serif" font-size="56" fill="white">${title.replace(/[<&>]/g, '')}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

async function seedImages(ctx) {
  let uploaded = 0;
  for (const [index, listing] of listings.entries()) {
    const property = ctx.properties.get(listing.title);
    const current = await call('GET', `/v1/properties/${property.id}`, { token: property.token });
    if (current.images.length > 0) {
      continue;
    }
    const form = new FormData();
    const jpeg = await listingImage(listing.title, (index * 47) % 360);
    form.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'listing.jpg');
    await call('POST', `/v1/properties/${property.id}/images`, { token: property.token, form });
    uploaded += 1;
  }
  return `${listings.length} listings have a photo (${uploaded} uploaded; the image worker makes the variants)`;
}

function localBreakdown(property, nights) {
  const accommodation = property.nightlyPrice * nights;
  const total = accommodation + property.cleaningFee;
  return {
    nights,
    nightlyPrice: property.nightlyPrice,
    accommodation,
    cleaningFee: property.cleaningFee,
    serviceFee: 0,
    serviceFeeBps: 0,
    tax: 0,
    taxBps: 0,
    total,
    currency: property.currency,
  };
}

const EXCLUSION_VIOLATION = '23P01';

async function insertOrSkipOverlap(db, sql, params) {
  try {
    return await db.query(sql, params);
  } catch (error) {
    if (error.code === EXCLUSION_VIOLATION) {
      return { rowCount: 0 };
    }
    throw error;
  }
}

async function seedBookings(ctx) {
  let inserted = 0;
  for (const booking of bookings) {
    const property = ctx.properties.get(booking.listing);
    const guest = ctx.users.get(booking.guest);
    const checkIn = isoDay(booking.from);
    const checkOut = isoDay(booking.from + booking.nights);
    const future = booking.from > 0;
    // Future stays are priced by rentals itself (fees and taxes of this platform); past ones by the
    // listing's own prices, as the quote refuses dates in the past.
    const priceBreakdown = future
      ? (
          await call(
            'GET',
            `/v1/properties/${property.id}/quote?checkIn=${checkIn}&checkOut=${checkOut}&guests=${booking.guests}`,
          )
        ).priceBreakdown
      : localBreakdown(property, booking.nights);
    const createdAt = new Date(Date.now() + Math.min(booking.from - 14, -1) * 86_400_000);
    // A second run finds the id and adds nothing; a stay that overlaps dates booked or blocked
    // meanwhile (someone clicking through) is refused by the calendar's exclusion constraint and
    // left out, never double-booked.
    const result = await insertOrSkipOverlap(
      ctx.db,
      `INSERT INTO rentals.bookings (id, property_id, guest_id, guest_email, guest_name, check_in, check_out,
              guests, status, total_amount, currency, price_breakdown, cancellation_policy, expires_at,
              confirmed_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $14)
       ON CONFLICT DO NOTHING`,
      [
        stableId(`booking:${booking.listing}:${booking.from}`),
        property.id,
        guest.id,
        guest.email,
        guest.name,
        checkIn,
        checkOut,
        booking.guests,
        future ? 'confirmed' : 'completed',
        priceBreakdown.total,
        priceBreakdown.currency,
        JSON.stringify(priceBreakdown),
        property.cancellationPolicy,
        createdAt,
      ],
    );
    inserted += result.rowCount ?? 0;
  }
  const past = bookings.filter((b) => b.from <= 0).length;
  return `${bookings.length} bookings, ${past} past and ${bookings.length - past} upcoming (${inserted} new)`;
}

/**
 * Host blocks through `POST /v1/properties/:id/blocks`, once the platform has that route; a
 * platform without it answers 404 and the step says so.
 */
async function seedBlocks(ctx) {
  let created = 0;
  for (const block of blocks) {
    const property = ctx.properties.get(block.listing);
    const from = isoDay(block.from);
    const to = isoDay(block.from + block.nights);
    const { rows } = await ctx.db.query(
      `SELECT 1 FROM rentals.blocks WHERE property_id = $1 AND starts_on = $2 AND ends_on = $3`,
      [property.id, from, to],
    );
    if (rows.length > 0) {
      continue;
    }
    try {
      await call('POST', `/v1/properties/${property.id}/blocks`, {
        token: property.token,
        json: { from, to, note: block.note },
      });
      created += 1;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        return 'skipped: this platform has no blocks route yet';
      }
      throw error;
    }
  }
  return `${blocks.length} blocked periods (${created} new)`;
}

const steps = [
  ['accounts', seedAccounts],
  ['listings', seedListings],
  ['images', seedImages],
  ['bookings', seedBookings],
  ['blocks', seedBlocks],
];

async function main() {
  const db = new pg.Client({ connectionString: DATABASE_URL, application_name: 'rentguy-seed' });
  await db.connect();
  const ctx = { db, users: new Map(), properties: new Map(), counts: { accountsCreated: 0 } };
  try {
    process.stdout.write(`Seeding demo data through ${API}\n`);
    for (const [index, [name, run]] of steps.entries()) {
      progress(index + 1, steps.length, name, await run(ctx));
    }
  } finally {
    await db.end();
  }
  process.stdout.write(`\nSign in with password "${password}" as:\n`);
  for (const user of [...hosts, ...guests]) {
    process.stdout.write(`  ${user.role.padEnd(5)}  ${user.email.padEnd(32)} ${user.name}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`seed failed: ${error.message}\n`);
  process.exitCode = 1;
});
