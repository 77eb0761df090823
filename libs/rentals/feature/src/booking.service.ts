import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type InternalBooking } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal, RequestOrigin } from '@rentguy/platform/http';
import { OutboxWriter } from '@rentguy/platform/messaging';
import {
  BookingRepository,
  PropertyRepository,
  StayOverlapError,
  type BookingEntity,
} from '@rentguy/rentals/data-access';
import { currentPolicyVersion, isVisibleTo, utcToday, validateStay } from '@rentguy/rentals/domain';
import { AdminReadAudit } from './admin-read.audit';
import { BookingViewLoader } from './booking-view.loader';
import type { CreateBookingDto } from './create-booking.dto';
import type { GuestBookingsQuery, HostBookingsQuery } from './listing.dto';
import { newestFirstPage, type Page } from './page-cursor';
import { PricingService } from './pricing.service';
import { ListingCache } from './listing.cache';
import { PropertyService } from './property.service';
import { rentalsConfig } from './rentals.config';
import { RentalsMetrics } from './rentals.metrics';
import { toBookingView, toInternalBookingView, type BookingView } from './rentals.views';

@Injectable()
export class BookingService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly properties: PropertyRepository,
    private readonly bookings: BookingRepository,
    private readonly outbox: OutboxWriter,
    private readonly metrics: RentalsMetrics,
    private readonly pricing: PricingService,
    private readonly listings: PropertyService,
    private readonly cache: ListingCache,
    private readonly views: BookingViewLoader,
    private readonly adminReads: AdminReadAudit,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  /**
   * Holds the dates for the guest and publishes `booking.held` in the same transaction. Whether the
   * dates are free is decided by the exclusion constraint at insert time, never by a prior read,
   * so concurrent requests for the same dates cannot both win.
   */
  async create(guest: Principal, dto: CreateBookingDto, now: Date = new Date()): Promise<BookingView> {
    const property = await this.listings.findBookable(dto.propertyId);
    const nights = validateStay(dto, property, utcToday(now));
    // The booking keeps copies of the price and the policy: later edits of the property change neither.
    const price = this.pricing.quote(property, nights);
    const expiresAt = new Date(now.getTime() + this.config.BOOKING_HOLD_MINUTES * 60_000);
    let booking: BookingEntity;
    try {
      booking = await this.transactions.run(async (tx) => {
        const held = await this.bookings.insert(
          {
            id: randomUUID(),
            propertyId: property.id,
            guestId: guest.id,
            guestEmail: guest.email,
            guestName: guest.name,
            checkIn: dto.checkIn,
            checkOut: dto.checkOut,
            guests: dto.guests,
            status: 'held',
            totalAmount: price.total,
            currency: price.currency,
            priceBreakdown: price,
            cancellationPolicy: property.cancellationPolicy,
            cancellationPolicyVersion: currentPolicyVersion(property.cancellationPolicy),
            expiresAt,
          },
          tx,
        );
        await this.outbox.add(tx, 'booking.held', held.id, {
          bookingId: held.id,
          propertyId: property.id,
          propertyTitle: property.title,
          hostId: property.hostId,
          guestId: guest.id,
          guestEmail: guest.email,
          guestName: guest.name,
          checkIn: held.checkIn,
          checkOut: held.checkOut,
          totalAmount: held.totalAmount,
          currency: held.currency,
          expiresAt: held.expiresAt.toISOString(),
        });
        return held;
      });
    } catch (error) {
      if (error instanceof StayOverlapError) {
        this.metrics.bookingConflicts.inc();
        throw await this.overlapError(dto);
      }
      throw error;
    }
    this.metrics.bookingsCreated.inc();
    await this.cache.propertyChanged(property.id);
    return toBookingView(booking);
  }

  /**
   * Visible to the guest who booked, to the property's host and to admins (who may quote and cancel
   * it too); to anyone else it does not exist.
   */
  async get(user: Principal, id: string, origin: RequestOrigin): Promise<BookingView> {
    const booking = await this.bookings.findById(id);
    // The property is read only for a viewer who is neither the guest nor an admin (the host, then).
    const property =
      booking && booking.guestId !== user.id && user.role !== 'admin'
        ? await this.properties.findById(booking.propertyId)
        : null;
    if (!booking || (user.role !== 'admin' && !isVisibleTo(user.id, booking, property))) {
      throw new DomainError(ErrorCode.NotFound, 'booking not found');
    }
    await this.adminReads.record(
      user,
      booking.guestId,
      { type: 'booking', id: booking.id },
      { propertyId: booking.propertyId },
      origin,
    );
    return this.views.one(booking);
  }

  /** One page of the caller's own bookings as a guest, newest first. */
  async listOwn(guest: Principal, query: GuestBookingsQuery): Promise<Page<BookingView>> {
    return this.page('guest-bookings', query, { guestId: guest.id, status: query.status });
  }

  /**
   * One page of the bookings on the caller's properties, newest first; with `propertyId`, of that
   * property, which must be the caller's (another host's property does not exist for them: 404).
   */
  async listForHost(host: Principal, query: HostBookingsQuery): Promise<Page<BookingView>> {
    if (query.propertyId !== undefined) {
      await this.listings.requireOwn(host, query.propertyId);
    }
    return this.page('host-bookings', query, {
      hostId: host.id,
      propertyId: query.propertyId,
      status: query.status,
    });
  }

  private async page(
    scope: string,
    query: { limit?: number; cursor?: string },
    filter: { guestId?: string; hostId?: string; propertyId?: string; status?: BookingEntity['status'] },
  ): Promise<Page<BookingView>> {
    const page = await newestFirstPage(
      scope,
      query,
      (limit, after) => this.bookings.list({ ...filter, limit, after }),
      (row) => row,
    );
    return { ...page, items: await this.views.many(page.items) };
  }

  /**
   * The booking as payments needs it, for its guest only: no host or admin exception here, because
   * the caller is paying on the guest's behalf with the guest's own token.
   */
  async getForGuest(guest: Principal, id: string): Promise<InternalBooking> {
    const booking = await this.bookings.findById(id);
    if (!booking || booking.guestId !== guest.id) {
      throw new DomainError(ErrorCode.NotFound, 'booking not found');
    }
    return toInternalBookingView(booking);
  }

  /** Names the booking in the way, read after the refused insert (it may be gone by now). */
  private async overlapError(dto: CreateBookingDto): Promise<DomainError> {
    const conflict = await this.bookings.findOccupying(dto.propertyId, dto.checkIn, dto.checkOut);
    return new DomainError(
      ErrorCode.BookingOverlap,
      'the property is not available for these dates',
      conflict ? { checkIn: conflict.checkIn, checkOut: conflict.checkOut } : undefined,
    );
  }
}
