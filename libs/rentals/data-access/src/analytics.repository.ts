import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One property's month: nights sold and blocked, the nights in the month, revenue in minor units. */
export interface PropertyMonthRow {
  propertyId: string;
  title: string;
  currency: string;
  /** `YYYY-MM-01`. */
  month: string;
  daysInMonth: number;
  bookedNights: number;
  blockedNights: number;
  revenue: number;
}

/** The platform's month, per currency. */
export interface PlatformMonthRow {
  month: string;
  currency: string;
  properties: number;
  bookedNights: number;
  availableNights: number;
  revenue: number;
}

const VIEW = 'property_month_stats';

/**
 * The analytics' materialized view (`property_month_stats`, docs/architecture.md#analytics): read
 * for hosts and admins, refreshed without blocking those reads.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Recomputes the view; readers keep the previous figures until it commits. */
  async refresh(): Promise<Date> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY rentals.${VIEW}`);
      const rows = (await tx.query(
        `INSERT INTO rentals.view_refreshes (view_name, refreshed_at) VALUES ($1, clock_timestamp())
         ON CONFLICT (view_name) DO UPDATE SET refreshed_at = excluded.refreshed_at RETURNING refreshed_at AS "at"`,
        [VIEW],
      )) as { at: Date }[];
      return rows[0]?.at ?? new Date();
    });
  }

  /** When the figures were last computed. */
  async refreshedAt(): Promise<Date | null> {
    const rows = (await this.dataSource.query(
      `SELECT refreshed_at AS "at" FROM rentals.view_refreshes WHERE view_name = $1`,
      [VIEW],
    )) as { at: Date }[];
    return rows[0]?.at ?? null;
  }

  /** Every month in `[from, to]` (first days) for each of the host's properties, zeros included. */
  forHost(hostId: string, from: string, to: string): Promise<PropertyMonthRow[]> {
    return this.dataSource
      .query(
        `SELECT p.id AS "propertyId", p.title, p.currency, m.month::date::text AS month,
              (m.month + interval '1 month')::date - m.month::date AS "daysInMonth",
              coalesce(s.booked_nights, 0) AS "bookedNights", coalesce(s.blocked_nights, 0) AS "blockedNights",
              coalesce(s.revenue, 0)::bigint::text AS revenue
         FROM rentals.properties p
         CROSS JOIN generate_series($2::date, $3::date, interval '1 month') AS m(month)
         LEFT JOIN rentals.${VIEW} s ON s.property_id = p.id AND s.month = m.month::date
        WHERE p.host_id = $1 AND p.created_at < m.month + interval '1 month'
        ORDER BY p.created_at, p.id, m.month
        LIMIT 5000`,
        [hostId, from, to],
      )
      .then((rows: (Omit<PropertyMonthRow, 'revenue'> & { revenue: string })[]) =>
        rows.map((row) => ({ ...row, revenue: Number(row.revenue) })),
      );
  }

  /** The platform's months in `[from, to]`, per currency, over every property. */
  platform(from: string, to: string): Promise<PlatformMonthRow[]> {
    return this.dataSource
      .query(
        `SELECT m.month::date::text AS month, p.currency, count(*)::integer AS properties,
              coalesce(sum(s.booked_nights), 0)::integer AS "bookedNights",
              sum((m.month + interval '1 month')::date - m.month::date - coalesce(s.blocked_nights, 0))::integer
                AS "availableNights",
              coalesce(sum(s.revenue), 0)::bigint::text AS revenue
         FROM rentals.properties p
         CROSS JOIN generate_series($1::date, $2::date, interval '1 month') AS m(month)
         LEFT JOIN rentals.${VIEW} s ON s.property_id = p.id AND s.month = m.month::date
        WHERE p.created_at < m.month + interval '1 month'
        GROUP BY 1, 2
        ORDER BY 1, 2`,
        [from, to],
      )
      .then((rows: (Omit<PlatformMonthRow, 'revenue'> & { revenue: string })[]) =>
        rows.map((row) => ({ ...row, revenue: Number(row.revenue) })),
      );
  }
}
