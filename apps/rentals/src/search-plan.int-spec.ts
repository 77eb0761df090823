import { randomUUID } from 'node:crypto';
import { migrateSchema } from '@rentguy/platform/database';
import {
  bookingListQuery,
  hostPropertiesQuery,
  propertySearchQuery,
  rentalsSchema,
  type SqlQuery,
} from '@rentguy/rentals/data-access';
import { daysFromToday } from '@rentguy/testing/rentals';
import { testEnvironment } from '@rentguy/testing/platform';
import { Client } from 'pg';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const PROPERTIES = 20_000;
const BOOKINGS_PER_PROPERTY = 15;
const CITIES = 40;

/** Every scan of the plan, as "Node Type on relation". */
function scans(node: PlanNode): string[] {
  const own = node['Relation Name'] ? [`${node['Node Type']} on ${node['Relation Name']}`] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scans)];
}

/**
 * The search and list queries, exactly as the repositories build them, planned by PostgreSQL over
 * a schema of realistic shape (20,000 properties, 300,000 bookings, blocks; statistics analysed):
 * none may read bookings, or properties, sequentially.
 */
describe('search and list query plans at size', () => {
  // Schema names take letters and underscores only.
  const schema = `rentals_it_plan_${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 8)}`;
  const client = new Client({ connectionString: testEnvironment().databaseUrl });
  let hostId = '';
  let guestId = '';
  let propertyId = '';

  beforeAll(async () => {
    await migrateSchema(
      { ...rentalsSchema, name: schema },
      {
        url: testEnvironment().databaseUrl,
        applicationName: 'rentals-plan-test',
      },
    );
    await client.connect();
    const s = `"${schema}"`;
    await client.query(
      `INSERT INTO ${s}.properties (id, host_id, title, description, city, country, nightly_price, currency,
                                   max_guests, published, created_at)
       SELECT gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad((i % 2000)::text, 12, '0'))::uuid,
              'Home ' || i, '', 'City ' || (i % ${CITIES}), CASE WHEN i % 3 = 0 THEN 'BE' ELSE 'NL' END,
              5000 + (i * 7919) % 45000, 'EUR', 1 + i % 8, i % 10 <> 0, now() - (i || ' minutes')::interval
         FROM generate_series(1, ${PROPERTIES}) AS i`,
    );
    // Back-to-back-free stays 1–7 nights long, every 12 days, over the coming months and the past;
    // the night 12j - 49 days out is always free, so the blocks below (day 11) overlap no stay.
    await client.query(
      `INSERT INTO ${s}.bookings (id, property_id, guest_id, guest_email, guest_name, check_in, check_out, guests,
                                 status, total_amount, currency, price_breakdown, expires_at, created_at)
       SELECT gen_random_uuid(), p.id, ('10000000-0000-0000-0000-' || lpad((j * 997 + p.n) % 50000 || '', 12, '0'))::uuid,
              'g@example.test', 'G', current_date + (j * 12 - 60 + p.n % 5),
              current_date + (j * 12 - 60 + p.n % 5) + 1 + (p.n + j) % 7, 1,
              (ARRAY['confirmed', 'confirmed', 'held', 'expired', 'cancelled', 'completed'])[1 + (p.n + j) % 6],
              10000, 'EUR', '{}'::jsonb, now(), now() - ((p.n + j) || ' seconds')::interval
         FROM (SELECT id, (row_number() OVER ())::integer AS n FROM ${s}.properties) p,
              generate_series(1, ${BOOKINGS_PER_PROPERTY}) AS j`,
    );
    await client.query(
      `INSERT INTO ${s}.blocks (id, property_id, starts_on, ends_on)
       SELECT gen_random_uuid(), id, current_date + 11, current_date + 12 FROM ${s}.properties TABLESAMPLE BERNOULLI (5)`,
    );
    await client.query(`ANALYZE ${s}.properties, ${s}.bookings, ${s}.blocks, ${s}.calendar_claims`);
    const [row] = (
      await client.query<{ host_id: string; guest_id: string; id: string }>(
        `SELECT p.host_id, b.guest_id, p.id FROM ${s}.bookings b JOIN ${s}.properties p ON p.id = b.property_id LIMIT 1`,
      )
    ).rows;
    ({ host_id: hostId, guest_id: guestId, id: propertyId } = row ?? { host_id: '', guest_id: '', id: '' });
  }, 240_000);

  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await client.end();
  });

  async function planOf({ sql, params }: SqlQuery): Promise<string[]> {
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      params,
    );
    const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
    if (!plan) {
      throw new Error('no plan');
    }
    return scans(plan);
  }

  const stay = { checkIn: daysFromToday(20), checkOut: daysFromToday(24), nights: 4 };
  const after = { value: 20_000, id: '00000000-0000-0000-0000-000000000000' };

  it.each([
    [
      'city + dates + guests, cheapest first',
      { city: 'city 7', stay, guests: 2, sort: 'price_asc', limit: 21 },
    ],
    [
      'city + dates + guests, dearest first, second page',
      { city: 'CITY 7', stay, guests: 2, sort: 'price_desc', limit: 21, after },
    ],
    ['city + dates, newest', { city: 'City 12', stay, sort: 'newest', limit: 21 }],
    [
      'country + dates + price range',
      { country: 'BE', stay, minPrice: 10_000, maxPrice: 20_000, sort: 'price_asc', limit: 21 },
    ],
    ['dates only', { stay, guests: 4, sort: 'price_asc', limit: 21 }],
    ['no filter, newest', { sort: 'newest', limit: 21 }],
  ] as const)('search: %s', async (_name, criteria) => {
    const plan = await planOf(propertySearchQuery(schema, criteria));
    expect(plan.filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
    // With dates, availability is read from the claims of bookings and blocks (through the exclusion
    // constraint's index, as checked above), never from bookings themselves.
    expect(plan.some((scan) => scan.endsWith('on calendar_claims'))).toBe('stay' in criteria);
    expect(plan.some((scan) => scan.endsWith('on bookings'))).toBe(false);
  });

  it('the paged lists of hosts and guests', async () => {
    const queries = [
      hostPropertiesQuery(schema, hostId, 21),
      bookingListQuery(schema, { hostId, limit: 21 }),
      bookingListQuery(schema, { hostId, propertyId, status: 'confirmed', limit: 21 }),
      bookingListQuery(schema, { guestId, limit: 21 }),
      bookingListQuery(schema, { guestId, status: 'held', limit: 21 }),
    ];
    for (const query of queries) {
      expect((await planOf(query)).filter((scan) => scan.startsWith('Seq Scan'))).toEqual([]);
    }
  });

  it('finds what it plans for: a city search over the seeded data returns free homes only', async () => {
    const { sql, params } = propertySearchQuery(schema, {
      city: 'City 7',
      stay,
      guests: 2,
      sort: 'price_asc',
      limit: 21,
    });
    const { rows } = await client.query<{ id: string; maxGuests: number }>(sql, params);
    expect(rows.length).toBe(21);
    const { rows: clashes } = await client.query(
      `SELECT 1 FROM "${schema}".bookings WHERE property_id = ANY($1::uuid[]) AND status IN ('held', 'confirmed')
          AND stay && daterange($2::date, $3::date, '[)')`,
      [rows.map((r) => r.id), stay.checkIn, stay.checkOut],
    );
    expect(clashes).toEqual([]);
  });
});
