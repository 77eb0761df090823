import { Controller, Get, Param } from '@nestjs/common';
import { INTERNAL_BOOKING_ROUTE, type InternalBooking } from '@rentguy/contracts';
import { CurrentUser, Roles, validate, type Principal } from '@rentguy/platform/http';
import { BookingService } from './booking.service';
import { entityIdSchema } from './entity-id.dto';

/**
 * Service-to-service reads of bookings (payments' read-through). Not in the gateway's edge table,
 * and guarded like every route: the caller forwards the guest's bearer token.
 */
@Controller()
export class InternalBookingController {
  constructor(private readonly bookings: BookingService) {}

  @Get(INTERNAL_BOOKING_ROUTE)
  @Roles('guest')
  get(
    @CurrentUser() guest: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
  ): Promise<InternalBooking> {
    return this.bookings.getForGuest(guest, id);
  }
}
