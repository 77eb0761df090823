import { Controller, Get, Query } from '@nestjs/common';
import { ApiDoc, CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { AnalyticsService } from './analytics.service';
import { analyticsQuerySchema, type AnalyticsQuery } from './calendar.dto';
import type { AnalyticsFreshness, PlatformMonthView, PropertyMonthView } from './calendar.views';
import { hostAnalyticsSchema, platformAnalyticsSchema } from './rentals-view.schemas';

/** Occupancy and revenue per month: a host's own properties, or the platform's for admins. */
@Controller('v1')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('host/analytics')
  @Roles('host')
  @ApiDoc({
    summary: "Occupancy and revenue per month of the host's own properties",
    responses: {
      200: {
        description: 'one item per property and month, and how old the figures are',
        schema: hostAnalyticsSchema,
      },
    },
  })
  forHost(
    @CurrentUser() host: Principal,
    @Query(validate(analyticsQuerySchema)) query: AnalyticsQuery,
  ): Promise<AnalyticsFreshness & { items: PropertyMonthView[] }> {
    return this.analytics.forHost(host, query);
  }

  @Get('admin/analytics')
  @Roles('admin')
  @ApiDoc({
    summary: "The platform's occupancy and revenue per month",
    responses: {
      200: {
        description: 'one item per month and currency, and how old the figures are',
        schema: platformAnalyticsSchema,
      },
    },
  })
  platform(
    @Query(validate(analyticsQuerySchema)) query: AnalyticsQuery,
  ): Promise<AnalyticsFreshness & { items: PlatformMonthView[] }> {
    return this.analytics.platform(query);
  }
}
