import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { AnalyticsService } from './analytics.service';
import { analyticsQuerySchema, type AnalyticsQuery } from './calendar.dto';

/** Occupancy and revenue per month: a host's own properties, or the platform's for admins. */
@Controller('v1')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('host/analytics')
  @Roles('host')
  forHost(@CurrentUser() host: Principal, @Query(validate(analyticsQuerySchema)) query: AnalyticsQuery) {
    return this.analytics.forHost(host, query);
  }

  @Get('admin/analytics')
  @Roles('admin')
  platform(@Query(validate(analyticsQuerySchema)) query: AnalyticsQuery) {
    return this.analytics.platform(query);
  }
}
