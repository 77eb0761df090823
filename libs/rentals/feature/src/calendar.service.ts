import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal, RequestOrigin } from '@rentguy/platform/http';
import {
  BookingRepository,
  CalendarRepository,
  PropertyRepository,
  StayOverlapError,
  type PropertyEntity,
} from '@rentguy/rentals/data-access';
import { addDays, calendarDays, utcToday, validateCalendarRange } from '@rentguy/rentals/domain';
import { AdminReadAudit } from './admin-read.audit';
import type { AvailabilityQuery, CreateBlockDto } from './calendar.dto';
import {
  toBlockView,
  type AvailabilityView,
  type BlockView,
  type CalendarExportView,
} from './calendar.views';
import { exportCalendar } from './ical.codec';
import { ListingCache } from './listing.cache';
import { PropertyService } from './property.service';
import { rentalsConfig } from './rentals.config';

/** How far back and ahead the iCal export reaches. */
const EXPORT_PAST_DAYS = 60;
const EXPORT_FUTURE_DAYS = 730;

export const hashExportToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * A property's calendar (docs/architecture.md#calendars): the public day-by-day availability, the
 * host's blocks (refused by the same exclusion constraint as bookings) and the iCal export.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly properties: PropertyRepository,
    private readonly bookings: BookingRepository,
    private readonly calendar: CalendarRepository,
    private readonly listings: PropertyService,
    private readonly cache: ListingCache,
    private readonly adminReads: AdminReadAudit,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  /** Each day of `[from, to)`: available, booked or blocked; read through the cache. */
  async availability(
    id: string,
    query: AvailabilityQuery,
    viewer: Principal | null,
  ): Promise<AvailabilityView> {
    validateCalendarRange(query.from, query.to);
    // 404 for a property the viewer may not see, as its page.
    await this.listings.get(id, viewer);
    return this.cache.availability(id, query.from, query.to, async () => ({
      propertyId: id,
      from: query.from,
      to: query.to,
      days: calendarDays(query.from, query.to, await this.calendar.claims(id, query.from, query.to)),
    }));
  }

  /** The property's blocks that have not ended yet, for its host. */
  async listBlocks(
    user: Principal,
    id: string,
    origin: RequestOrigin,
    now: Date = new Date(),
  ): Promise<BlockView[]> {
    const property = await this.ownedProperty(user, id);
    await this.adminReads.record(user, property.hostId, { type: 'property', id }, { read: 'blocks' }, origin);
    return (await this.calendar.listBlocks(property.id, utcToday(now))).map(toBlockView);
  }

  /**
   * Blocks `[from, to)` for the host. Dates a held or confirmed booking or another block has → 409
   * naming them; the exclusion constraint decides, there is no check first.
   */
  async createBlock(
    user: Principal,
    id: string,
    dto: CreateBlockDto,
    now: Date = new Date(),
  ): Promise<BlockView> {
    validateCalendarRange(dto.from, dto.to);
    if (dto.from < utcToday(now)) {
      throw new DomainError(ErrorCode.ValidationFailed, 'a block cannot start in the past', {
        field: 'from',
      });
    }
    const property = await this.ownedProperty(user, id);
    let block;
    try {
      block = await this.transactions.run((tx) =>
        this.calendar.insertBlock(
          {
            id: randomUUID(),
            propertyId: property.id,
            from: dto.from,
            to: dto.to,
            note: dto.note ?? '',
            feedId: null,
            uid: null,
          },
          tx,
        ),
      );
    } catch (error) {
      if (error instanceof StayOverlapError) {
        const taken = await this.bookings.findOccupying(property.id, dto.from, dto.to);
        throw new DomainError(
          ErrorCode.BookingOverlap,
          taken
            ? `the dates from ${taken.checkIn} to ${taken.checkOut} are already booked or blocked`
            : 'the dates are already booked or blocked',
          taken ? { from: taken.checkIn, to: taken.checkOut } : undefined,
        );
      }
      throw error;
    }
    await this.cache.propertyChanged(property.id);
    return toBlockView(block);
  }

  /** Unblocks a host block. Blocks of an imported feed come and go with the feed (409). */
  async deleteBlock(user: Principal, id: string, blockId: string): Promise<void> {
    const property = await this.ownedProperty(user, id);
    const block = await this.calendar.findBlock(property.id, blockId);
    if (!block) {
      throw new DomainError(ErrorCode.NotFound, 'block not found');
    }
    if (block.feedId !== null) {
      throw new DomainError(
        ErrorCode.Conflict,
        'this block comes from an imported calendar feed; remove the event there',
        {
          feedId: block.feedId,
        },
      );
    }
    await this.transactions.run((tx) => this.calendar.deleteBlocks([block.id], tx));
    // Freed dates can put the property back on search pages.
    await this.cache.listingChanged(property.id);
  }

  /** A new export secret (the old one stops working); shown this once. */
  async rotateExportToken(user: Principal, id: string): Promise<CalendarExportView> {
    const property = await this.ownedProperty(user, id);
    const token = randomBytes(32).toString('base64url');
    await this.transactions.run((tx) =>
      this.calendar.setExportTokenHash(property.id, hashExportToken(token), tx),
    );
    return {
      token,
      url: `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/v1/properties/${property.id}/calendar.ics?token=${token}`,
    };
  }

  /** The iCal export: bookings and blocks as busy days, for whoever holds the property's secret. */
  async exportIcs(id: string, token: string, now: Date = new Date()): Promise<string> {
    const owner = await this.calendar.findByExportTokenHash(hashExportToken(token));
    const property = owner !== null && owner === id ? await this.properties.findById(id) : null;
    if (!property) {
      // A wrong token and a wrong property look the same.
      throw new DomainError(ErrorCode.NotFound, 'calendar not found');
    }
    const today = utcToday(now);
    const claims = await this.calendar.claims(
      id,
      addDays(today, -EXPORT_PAST_DAYS),
      addDays(today, EXPORT_FUTURE_DAYS),
    );
    return exportCalendar(
      property.title,
      claims.map((claim) => ({
        uid: `${claim.kind}-${claim.id}@rentguy`,
        from: claim.from,
        to: claim.to,
        summary: claim.kind === 'booking' ? 'Booked' : 'Blocked',
      })),
      now,
    );
  }

  /** The property, if it exists (404) and `user` is its host or an admin (403). */
  async ownedProperty(user: Principal, id: string): Promise<PropertyEntity> {
    const property = await this.properties.findById(id);
    if (!property) {
      throw new DomainError(ErrorCode.NotFound, 'property not found');
    }
    if (property.hostId !== user.id && user.role !== 'admin') {
      throw new DomainError(ErrorCode.Forbidden, "only the property's host can manage its calendar");
    }
    return property;
  }
}
