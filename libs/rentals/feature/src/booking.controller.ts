import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { BookingService } from './booking.service';
import { createBookingSchema, type CreateBookingDto } from './create-booking.dto';
import { guestBookingsQuerySchema, type GuestBookingsQuery } from './listing.dto';
import type { Page } from './page-cursor';
import type { BookingView } from './rentals.views';

@Controller('v1/bookings')
export class BookingController {
  constructor(private readonly bookings: BookingService) {}

  @Post()
  @Roles('guest')
  create(
    @CurrentUser() guest: Principal,
    @Body(validate(createBookingSchema)) dto: CreateBookingDto,
  ): Promise<BookingView> {
    return this.bookings.create(guest, dto);
  }

  /** The caller's own bookings as a guest. */
  @Get()
  @Roles('guest')
  list(
    @CurrentUser() guest: Principal,
    @Query(validate(guestBookingsQuerySchema)) query: GuestBookingsQuery,
  ): Promise<Page<BookingView>> {
    return this.bookings.listOwn(guest, query);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param('id') id: string): Promise<BookingView> {
    return this.bookings.get(user, id);
  }
}
