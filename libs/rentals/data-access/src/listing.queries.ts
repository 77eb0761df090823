import { assertSchemaName } from '@rentguy/platform/database';
import type { BookingStatus, SearchSort } from '@rentguy/rentals/domain';
import type { DataSource } from 'typeorm';

/**
 * The SQL of the public search and the paged lists, as pure functions of the schema and the
 * criteria, so the integration test can EXPLAIN exactly what the repositories run
 * (docs/architecture.md#search-and-availability). Values are always parameters; only the schema
 * name, checked by `assertSchemaName`, is interpolated.
 */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** The schema a data source works in (`rentals` in the app, a throwaway one in a test). */
export function schemaOf(dataSource: DataSource): string {
  return assertSchemaName((dataSource.options as { schema?: string }).schema ?? 'rentals');
}

/** Where the previous page ended: the sort key of its last row and its id. */
export interface PageKey {
  /** `nightlyPrice` for the price orders, `createdAt` (PostgreSQL's exact text form) for newest. */
  value: number | string;
  id: string;
}

export interface PropertySearchCriteria {
  city?: string;
  country?: string;
  /** `[checkIn, checkOut)`; only properties free for the whole stay and allowing its length match. */
  stay?: { checkIn: string; checkOut: string; nights: number };
  guests?: number;
  minPrice?: number;
  maxPrice?: number;
  sort: SearchSort;
  limit: number;
  after?: PageKey;
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

const ORDERS: Record<SearchSort, { column: string; cast: string; direction: 'ASC' | 'DESC' }> = {
  price_asc: { column: 'p.nightly_price', cast: '::integer', direction: 'ASC' },
  price_desc: { column: 'p.nightly_price', cast: '::integer', direction: 'DESC' },
  newest: { column: 'p.created_at', cast: '::timestamptz', direction: 'DESC' },
};

export const PROPERTY_COLUMNS = `p.id, p.host_id AS "hostId", p.title, p.description, p.city, p.country,
       p.nightly_price AS "nightlyPrice", p.cleaning_fee AS "cleaningFee", p.currency,
       p.max_guests AS "maxGuests", p.min_nights AS "minNights", p.max_nights AS "maxNights",
       p.cancellation_policy AS "cancellationPolicy", p.published,
       p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.created_at::text AS "createdAtKey"`;

/**
 * Published properties matching the criteria, in the sort's order with the id as tiebreaker,
 * `limit` rows after `after`. With a stay: none whose held or confirmed booking or block overlaps it
 * (`calendar_claims`).
 */
export function propertySearchQuery(schema: string, criteria: PropertySearchCriteria): SqlQuery {
  const s = `"${assertSchemaName(schema)}"`;
  const p = new Params();
  const where = ['p.published'];
  if (criteria.city !== undefined) {
    where.push(`lower(p.city) = lower(${p.add(criteria.city)})`);
  }
  if (criteria.country !== undefined) {
    where.push(`p.country = ${p.add(criteria.country)}`);
  }
  if (criteria.guests !== undefined) {
    where.push(`p.max_guests >= ${p.add(criteria.guests, '::integer')}`);
  }
  if (criteria.minPrice !== undefined) {
    where.push(`p.nightly_price >= ${p.add(criteria.minPrice, '::integer')}`);
  }
  if (criteria.maxPrice !== undefined) {
    where.push(`p.nightly_price <= ${p.add(criteria.maxPrice, '::integer')}`);
  }
  if (criteria.stay) {
    const nights = p.add(criteria.stay.nights, '::integer');
    where.push(`p.min_nights <= ${nights}`, `p.max_nights >= ${nights}`);
    const stay = `daterange(${p.add(criteria.stay.checkIn, '::date')}, ${p.add(criteria.stay.checkOut, '::date')}, '[)')`;
    // Held and confirmed bookings and blocks alike, read from the exclusion constraint's gist index.
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${s}.calendar_claims c WHERE c.property_id = p.id AND c.period && ${stay})`,
    );
  }
  const order = ORDERS[criteria.sort];
  if (criteria.after) {
    const comparison = order.direction === 'ASC' ? '>' : '<';
    where.push(
      `(${order.column}, p.id) ${comparison} (${p.add(criteria.after.value, order.cast)}, ${p.add(criteria.after.id, '::uuid')})`,
    );
  }
  const sql = `SELECT ${PROPERTY_COLUMNS}
    FROM ${s}.properties p
   WHERE ${where.join('\n     AND ')}
   ORDER BY ${order.column} ${order.direction}, p.id ${order.direction}
   LIMIT ${p.add(criteria.limit, '::integer')}`;
  return { sql, params: p.values };
}

/** A host's own properties, published or not, newest first. */
export function hostPropertiesQuery(
  schema: string,
  hostId: string,
  limit: number,
  after?: PageKey,
): SqlQuery {
  const s = `"${assertSchemaName(schema)}"`;
  const p = new Params();
  const where = [`p.host_id = ${p.add(hostId, '::uuid')}`];
  if (after) {
    where.push(
      `(p.created_at, p.id) < (${p.add(after.value, '::timestamptz')}, ${p.add(after.id, '::uuid')})`,
    );
  }
  return {
    sql: `SELECT ${PROPERTY_COLUMNS}
      FROM ${s}.properties p
     WHERE ${where.join(' AND ')}
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT ${p.add(limit, '::integer')}`,
    params: p.values,
  };
}

export interface BookingListCriteria {
  /** A guest's own bookings… */
  guestId?: string;
  /** …or the bookings on a host's properties, optionally of one property. */
  hostId?: string;
  propertyId?: string;
  status?: BookingStatus;
  limit: number;
  after?: PageKey;
}

export const BOOKING_COLUMNS = `b.id, b.property_id AS "propertyId", b.guest_id AS "guestId", b.guest_email AS "guestEmail",
       b.guest_name AS "guestName", b.check_in::text AS "checkIn", b.check_out::text AS "checkOut", b.guests,
       b.status, b.total_amount AS "totalAmount", b.currency, b.price_breakdown AS "priceBreakdown",
       b.cancellation_policy AS "cancellationPolicy", b.expires_at AS "expiresAt",
       b.confirmed_at AS "confirmedAt", b.created_at AS "createdAt", b.created_at::text AS "createdAtKey"`;

/** Bookings newest first, of a guest or on a host's properties. */
export function bookingListQuery(schema: string, criteria: BookingListCriteria): SqlQuery {
  const s = `"${assertSchemaName(schema)}"`;
  const p = new Params();
  const where: string[] = [];
  let from = `${s}.bookings b`;
  if (criteria.guestId !== undefined) {
    where.push(`b.guest_id = ${p.add(criteria.guestId, '::uuid')}`);
  }
  if (criteria.hostId !== undefined) {
    from += ` JOIN ${s}.properties p ON p.id = b.property_id`;
    where.push(`p.host_id = ${p.add(criteria.hostId, '::uuid')}`);
  }
  if (where.length === 0) {
    throw new Error('a booking list is always of one guest or one host');
  }
  if (criteria.propertyId !== undefined) {
    where.push(`b.property_id = ${p.add(criteria.propertyId, '::uuid')}`);
  }
  if (criteria.status !== undefined) {
    where.push(`b.status = ${p.add(criteria.status)}`);
  }
  if (criteria.after) {
    where.push(
      `(b.created_at, b.id) < (${p.add(criteria.after.value, '::timestamptz')}, ${p.add(criteria.after.id, '::uuid')})`,
    );
  }
  return {
    sql: `SELECT ${BOOKING_COLUMNS}
      FROM ${from}
     WHERE ${where.join(' AND ')}
     ORDER BY b.created_at DESC, b.id DESC
     LIMIT ${p.add(criteria.limit, '::integer')}`,
    params: p.values,
  };
}
