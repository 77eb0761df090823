import { Injectable } from '@nestjs/common';
import type { Principal } from '@rentguy/platform/http';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { AnalyticsRepository } from '@rentguy/rentals/data-access';
import type { AnalyticsQuery } from './calendar.dto';
import {
  occupancyOf,
  type AnalyticsFreshness,
  type PlatformMonthView,
  type PropertyMonthView,
} from './calendar.views';

const firstDay = (month: string): string => `${month}-01`;

/**
 * Occupancy and revenue per property per month (docs/architecture.md#analytics), read from a
 * materialized view that the `analytics.refresh` job recomputes concurrently; every answer says
 * how old the figures are.
 */
@Injectable()
export class AnalyticsService {
  constructor(private readonly analytics: AnalyticsRepository) {}

  async forHost(
    host: Principal,
    query: AnalyticsQuery,
    now: Date = new Date(),
  ): Promise<AnalyticsFreshness & { items: PropertyMonthView[] }> {
    const rows = await this.analytics.forHost(host.id, firstDay(query.from), firstDay(query.to));
    return {
      ...(await this.freshness(now)),
      items: rows.map((row) => {
        const availableNights = row.daysInMonth - row.blockedNights;
        return {
          propertyId: row.propertyId,
          title: row.title,
          month: row.month.slice(0, 7),
          bookedNights: row.bookedNights,
          availableNights,
          occupancy: occupancyOf(row.bookedNights, availableNights),
          revenue: { amount: row.revenue, currency: row.currency },
        };
      }),
    };
  }

  async platform(
    query: AnalyticsQuery,
    now: Date = new Date(),
  ): Promise<AnalyticsFreshness & { items: PlatformMonthView[] }> {
    const rows = await this.analytics.platform(firstDay(query.from), firstDay(query.to));
    return {
      ...(await this.freshness(now)),
      items: rows.map((row) => ({
        month: row.month.slice(0, 7),
        currency: row.currency,
        properties: row.properties,
        bookedNights: row.bookedNights,
        availableNights: row.availableNights,
        occupancy: occupancyOf(row.bookedNights, row.availableNights),
        revenue: { amount: row.revenue, currency: row.currency },
      })),
    };
  }

  @OnJob('rentals-maintenance', 'analytics.refresh')
  async refresh(): Promise<JobOutcome> {
    await this.analytics.refresh();
    return { status: 'done' };
  }

  private async freshness(now: Date): Promise<AnalyticsFreshness> {
    const at = await this.analytics.refreshedAt();
    return {
      refreshedAt: at?.toISOString() ?? null,
      ageSeconds: at ? Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000)) : null,
    };
  }
}
