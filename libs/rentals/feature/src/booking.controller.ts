import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { BookingService } from './booking.service';
import { createBookingSchema, type CreateBookingDto } from './create-booking.dto';
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

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param('id') id: string): Promise<BookingView> {
    return this.bookings.get(user, id);
  }
}
