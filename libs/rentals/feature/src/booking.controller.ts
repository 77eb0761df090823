import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { CancellationQuote } from '@rentguy/rentals/domain';
import {
  ApiDoc,
  CurrentUser,
  originOf,
  pageSchema,
  Roles,
  validate,
  type Principal,
} from '@rentguy/platform/http';
import { BookingService } from './booking.service';
import {
  cancelBookingSchema,
  cancellationQuoteQuerySchema,
  idempotencyKeyOf,
  type CancelBookingDto,
  type CancellationQuoteQuery,
} from './cancel-booking.dto';
import { CancellationService } from './cancellation.service';
import { createBookingSchema, type CreateBookingDto } from './create-booking.dto';
import { guestBookingsQuerySchema, type GuestBookingsQuery } from './listing.dto';
import type { Page } from './page-cursor';
import { bookingViewSchema, cancellationQuoteSchema } from './rentals-view.schemas';
import type { BookingView } from './rentals.views';
import { entityIdSchema } from './entity-id.dto';

@Controller('v1/bookings')
export class BookingController {
  constructor(
    private readonly bookings: BookingService,
    private readonly cancellations: CancellationService,
  ) {}

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

  @Get(':id/cancellation-quote')
  @ApiDoc({
    summary:
      "What cancelling would refund the caller's side (the guest's policy refund, the host's full one)",
    responses: {
      200: {
        description: 'the refund cancelling now (or at `at`) would give',
        schema: cancellationQuoteSchema,
      },
    },
  })
  quote(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Query(validate(cancellationQuoteQuerySchema)) query: CancellationQuoteQuery,
    @Req() request: FastifyRequest,
  ): Promise<CancellationQuote> {
    return this.cancellations.quote(
      user,
      id,
      originOf(request),
      query.at === undefined ? undefined : new Date(query.at),
    );
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiDoc({
    summary:
      'Cancel a booking: its guest (refund per the policy), its host (full refund) or an admin (may name the refund)',
    responses: { 200: { description: 'the booking, cancelled', schema: bookingViewSchema } },
  })
  async cancel(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Body(validate(cancelBookingSchema)) dto: CancelBookingDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
  ): Promise<BookingView> {
    const outcome = await this.cancellations.cancel(
      user,
      id,
      dto,
      idempotencyKeyOf(idempotencyKey),
      originOf(request),
    );
    return outcome.booking;
  }

  @Get(':id')
  @ApiDoc({
    summary: "Read a booking (its guest, the host of its property, or an admin: an admin's read is audited)",
    responses: { 200: { description: 'the booking', schema: bookingViewSchema } },
  })
  get(
    @CurrentUser() user: Principal,
    @Param('id', validate(entityIdSchema)) id: string,
    @Req() request: FastifyRequest,
  ): Promise<BookingView> {
    return this.bookings.get(user, id, originOf(request));
  }
}
