import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal } from '@rentguy/platform/http';
import {
  ImageRepository,
  PropertyRepository,
  type ListedProperty,
  type PropertyEntity,
} from '@rentguy/rentals/data-access';
import { utcToday, validateStay, type PriceBreakdown } from '@rentguy/rentals/domain';
import type { CreatePropertyDto } from './create-property.dto';
import { ListingCache } from './listing.cache';
import {
  DEFAULT_PAGE_SIZE,
  type HostPropertiesQuery,
  type QuoteQuery,
  type SearchPropertiesQuery,
  type UpdatePropertyDto,
} from './listing.dto';
import { decodeCursor, newestFirstPage, toPage, type Page } from './page-cursor';
import { PricingService } from './pricing.service';
import { rentalsConfig } from './rentals.config';
import {
  toImageView,
  toPropertySummaryView,
  toPropertyView,
  type PropertySummaryView,
  type PropertyView,
  type QuoteView,
} from './rentals.views';

@Injectable()
export class PropertyService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly properties: PropertyRepository,
    private readonly images: ImageRepository,
    private readonly pricing: PricingService,
    private readonly cache: ListingCache,
    @InjectConfig(rentalsConfig) private readonly config: ConfigOf<typeof rentalsConfig>,
  ) {}

  async create(host: Principal, dto: CreatePropertyDto): Promise<PropertyView> {
    const property = await this.properties.insert({ id: randomUUID(), hostId: host.id, ...dto });
    if (property.published) {
      await this.cache.listingChanged(property.id);
    }
    return toPropertyView(property, []);
  }

  /**
   * A published property for anyone; an unpublished one only for its host or an admin (else 404).
   * Read through the cache: the visibility check runs on the cached view, per caller.
   */
  async get(id: string, viewer: Principal | null = null): Promise<PropertyView> {
    const view = await this.cache.property(id, () => this.load(id));
    const visible =
      view?.published === true || viewer?.role === 'admin' || (viewer !== null && view?.hostId === viewer.id);
    if (!view || !visible) {
      throw new DomainError(ErrorCode.NotFound, 'property not found');
    }
    return view;
  }

  /**
   * One page of published properties. With dates, only those free for the whole stay (no held or
   * confirmed booking, no host block overlapping it) whose stay rules allow it, each with the
   * stay's price.
   */
  search(query: SearchPropertiesQuery, now: Date = new Date()): Promise<Page<PropertySummaryView>> {
    return this.cache.search(query, utcToday(now), () => this.searchDatabase(query, now));
  }

  private async searchDatabase(query: SearchPropertiesQuery, now: Date): Promise<Page<PropertySummaryView>> {
    const sort = query.sort ?? 'price_asc';
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const scope = `search:${sort}`;
    const kind = sort === 'newest' ? 'timestamp' : 'integer';
    let stay: { checkIn: string; checkOut: string; nights: number } | undefined;
    if (query.checkIn !== undefined && query.checkOut !== undefined) {
      const { checkIn, checkOut } = query;
      // Guests are checked against each property by the query; here only the dates are.
      const nights = validateStay(
        { checkIn, checkOut, guests: query.guests ?? 1 },
        { maxGuests: Number.MAX_SAFE_INTEGER },
        utcToday(now),
      );
      stay = { checkIn, checkOut, nights };
    }
    const rows = await this.properties.search({
      city: query.city,
      country: query.country,
      stay,
      guests: query.guests,
      minPrice: query.minPrice,
      maxPrice: query.maxPrice,
      sort,
      limit: limit + 1,
      after: query.cursor === undefined ? undefined : decodeCursor(scope, kind, query.cursor),
    });
    const page = toPage(
      rows,
      limit,
      scope,
      (row: ListedProperty) => ({
        value: sort === 'newest' ? row.createdAtKey : row.nightlyPrice,
        id: row.id,
      }),
      (row) => (stay ? this.summaryWithQuote(row, stay.nights) : toPropertySummaryView(row)),
    );
    // A stay that costs more than can be charged at once is not bookable, so it is not listed.
    return { ...page, items: page.items.filter((item): item is PropertySummaryView => item !== null) };
  }

  /** The price of a stay at a published property, checked against its rules, without booking. */
  async quote(id: string, query: QuoteQuery, now: Date = new Date()): Promise<QuoteView> {
    const property = await this.findBookable(id);
    const nights = validateStay(query, property, utcToday(now));
    return {
      propertyId: property.id,
      checkIn: query.checkIn,
      checkOut: query.checkOut,
      guests: query.guests,
      priceBreakdown: this.pricing.quote(property, nights),
    };
  }

  /**
   * Changes a listing, for its host or an admin (another host: 403, as for image uploads). Bookings
   * already made keep their price, breakdown and cancellation policy: they are copies, not references.
   */
  async update(user: Principal, id: string, dto: UpdatePropertyDto): Promise<PropertyView> {
    const updated = await this.transactions.run(async (tx) => {
      const property = await this.properties.findByIdForUpdate(id, tx);
      if (!property) {
        throw new DomainError(ErrorCode.NotFound, 'property not found');
      }
      if (property.hostId !== user.id && user.role !== 'admin') {
        throw new DomainError(ErrorCode.Forbidden, 'only the host of this property can change it');
      }
      const minNights = dto.minNights ?? property.minNights;
      const maxNights = dto.maxNights ?? property.maxNights;
      if (minNights > maxNights) {
        const path = dto.minNights !== undefined ? 'minNights' : 'maxNights';
        throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
          fields: [{ path, message: `minNights (${minNights}) must not exceed maxNights (${maxNights})` }],
        });
      }
      return this.properties.update(property.id, dto, tx);
    });
    await this.cache.listingChanged(updated.id);
    return this.withImages(updated);
  }

  /** One page of the caller's own properties, drafts included, newest first. */
  async listOwn(host: Principal, query: HostPropertiesQuery): Promise<Page<PropertySummaryView>> {
    return newestFirstPage(
      'host-properties',
      query,
      (limit, after) => this.properties.listByHost(host.id, limit, after),
      (row) => toPropertySummaryView(row),
    );
  }

  /**
   * The caller's own property, for a host's list filtered by it: another host's property does not
   * exist for them (404 naming `propertyId`).
   */
  async requireOwn(host: Principal, propertyId: string): Promise<PropertyEntity> {
    const property = await this.properties.findById(propertyId);
    if (property?.hostId !== host.id) {
      throw new DomainError(ErrorCode.NotFound, 'property not found', { field: 'propertyId' });
    }
    return property;
  }

  /** A property that can be quoted and booked: it exists and is published; otherwise 404. */
  async findBookable(id: string): Promise<PropertyEntity> {
    const property = await this.properties.findById(id);
    if (!property?.published) {
      throw new DomainError(ErrorCode.NotFound, 'property not found', { field: 'propertyId' });
    }
    return property;
  }

  private summaryWithQuote(row: PropertyEntity, nights: number): PropertySummaryView | null {
    let quote: PriceBreakdown;
    try {
      quote = this.pricing.quote(row, nights);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.ValidationFailed) {
        return null;
      }
      throw error;
    }
    return toPropertySummaryView(row, quote);
  }

  private async load(id: string): Promise<PropertyView> {
    const property = await this.properties.findById(id);
    if (!property) {
      throw new DomainError(ErrorCode.NotFound, 'property not found');
    }
    return this.withImages(property);
  }

  private async withImages(property: PropertyEntity): Promise<PropertyView> {
    const images = await this.images.listByProperty(property.id);
    return toPropertyView(
      property,
      images.map((image) => toImageView(image, this.config.PUBLIC_BASE_URL)),
    );
  }
}
