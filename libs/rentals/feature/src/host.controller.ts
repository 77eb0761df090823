import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiDoc, CurrentUser, pageSchema, Roles, validate, type Principal } from '@rentguy/platform/http';
import { ApplicationService } from './application.service';
import { BookingService } from './booking.service';
import { decideApplicationSchema, type DecideApplicationDto } from './decide-application.dto';
import {
  hostApplicationsQuerySchema,
  hostBookingsQuerySchema,
  hostPropertiesQuerySchema,
  type HostApplicationsQuery,
  type HostBookingsQuery,
  type HostPropertiesQuery,
} from './listing.dto';
import type { Page } from './page-cursor';
import { PropertyService } from './property.service';
import {
  applicationPageSchema,
  applicationViewSchema,
  bookingViewSchema,
  propertySummaryViewSchema,
} from './rentals-view.schemas';
import type { ApplicationView, BookingView, PropertySummaryView } from './rentals.views';
import { entityIdSchema } from './entity-id.dto';

/** A host's own listings, the bookings on them and the tenant applications to decide. */
@Controller('v1/host')
export class HostController {
  constructor(
    private readonly properties: PropertyService,
    private readonly bookings: BookingService,
    private readonly applications: ApplicationService,
  ) {}

  @Get('properties')
  @Roles('host')
  @ApiDoc({
    summary: "List the host's own listings, published or not",
    responses: { 200: { description: 'a page of listings', schema: pageSchema(propertySummaryViewSchema) } },
  })
  listProperties(
    @CurrentUser() host: Principal,
    @Query(validate(hostPropertiesQuerySchema)) query: HostPropertiesQuery,
  ): Promise<Page<PropertySummaryView>> {
    return this.properties.listOwn(host, query);
  }

  @Get('bookings')
  @Roles('host')
  @ApiDoc({
    summary: "List the bookings on the host's listings",
    responses: { 200: { description: 'a page of bookings', schema: pageSchema(bookingViewSchema) } },
  })
  listBookings(
    @CurrentUser() host: Principal,
    @Query(validate(hostBookingsQuerySchema)) query: HostBookingsQuery,
  ): Promise<Page<BookingView>> {
    return this.bookings.listForHost(host, query);
  }

  @Get('applications')
  @Roles('host')
  @ApiDoc({
    summary: "List the tenant applications on the host's listings",
    responses: { 200: { description: 'a page of applications', schema: applicationPageSchema } },
  })
  listApplications(
    @CurrentUser() host: Principal,
    @Query(validate(hostApplicationsQuerySchema)) query: HostApplicationsQuery,
  ): Promise<Page<ApplicationView>> {
    return this.applications.listForHost(host, query);
  }

  @Post('applications/:id/decision')
  @Roles('host')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Accept or reject a screened tenant application (the host of its property)',
    responses: { 200: { description: 'the application, decided', schema: applicationViewSchema } },
  })
  decideApplication(
    @CurrentUser() host: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Body(validate(decideApplicationSchema)) dto: DecideApplicationDto,
  ): Promise<ApplicationView> {
    return this.applications.decide(host, id, dto);
  }
}
