import { Controller, Get, Query } from '@nestjs/common';
import { ApiDoc, CurrentUser, pageSchema, Roles, validate, type Principal } from '@rentguy/platform/http';
import { BookingService } from './booking.service';
import {
  hostBookingsQuerySchema,
  hostPropertiesQuerySchema,
  type HostBookingsQuery,
  type HostPropertiesQuery,
} from './listing.dto';
import type { Page } from './page-cursor';
import { PropertyService } from './property.service';
import { bookingViewSchema, propertySummaryViewSchema } from './rentals-view.schemas';
import type { BookingView, PropertySummaryView } from './rentals.views';

/** A host's own listings and the bookings on them. */
@Controller('v1/host')
export class HostController {
  constructor(
    private readonly properties: PropertyService,
    private readonly bookings: BookingService,
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
}
