import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiDoc, CurrentUser, pageSchema, Roles, validate, type Principal } from '@rentguy/platform/http';
import { BookingService } from './booking.service';
import { createBookingSchema, type CreateBookingDto } from './create-booking.dto';
import { guestBookingsQuerySchema, type GuestBookingsQuery } from './listing.dto';
import type { Page } from './page-cursor';
import { bookingViewSchema } from './rentals-view.schemas';
import type { BookingView } from './rentals.views';

@Controller('v1/bookings')
export class BookingController {
  constructor(private readonly bookings: BookingService) {}

  @Post()
  @Roles('guest')
  @ApiDoc({
    summary: 'Hold a stay: the booking is held until paid (the price is computed by the server)',
    responses: {
      201: { description: 'the held booking, with `expiresAt`', schema: bookingViewSchema },
      409: { description: 'booking_overlap: the dates are taken (`details` has the conflicting stay)' },
    },
  })
  create(
    @CurrentUser() guest: Principal,
    @Body(validate(createBookingSchema)) dto: CreateBookingDto,
  ): Promise<BookingView> {
    return this.bookings.create(guest, dto);
  }

  /** The caller's own bookings as a guest. */
  @Get()
  @Roles('guest')
  @ApiDoc({
    summary: "List the caller's own bookings",
    responses: { 200: { description: 'a page of bookings', schema: pageSchema(bookingViewSchema) } },
  })
  list(
    @CurrentUser() guest: Principal,
    @Query(validate(guestBookingsQuerySchema)) query: GuestBookingsQuery,
  ): Promise<Page<BookingView>> {
    return this.bookings.listOwn(guest, query);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Read a booking (its guest, the host of its property, or an admin)',
    responses: { 200: { description: 'the booking', schema: bookingViewSchema } },
  })
  get(@CurrentUser() user: Principal, @Param('id') id: string): Promise<BookingView> {
    return this.bookings.get(user, id);
  }
}
