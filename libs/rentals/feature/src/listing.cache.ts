import { Injectable } from '@nestjs/common';
import { ReadCache } from '@rentguy/platform/cache';
import { propertyCacheTag as propertyTag, SEARCH_CACHE_TAG as SEARCH_TAG } from '@rentguy/contracts';
import type { Page } from './page-cursor';
import type { PropertySummaryView, PropertyView } from './rentals.views';

/** How long each public read is served from the cache at most; changes invalidate it at once. */
const TTL_SECONDS = { property: 300, search: 60, availability: 60 } as const;

/** A search's cache key: the same query, with its fields in any order, is the same key. */
function searchKey(query: object, today: string): string {
  const fields = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return `search:${today}:${JSON.stringify(fields)}`;
}

/**
 * Rentals' public reads in the two-tier cache (property by id, search, availability), and the
 * invalidations every change calls once it has committed.
 */
@Injectable()
export class ListingCache {
  constructor(private readonly cache: ReadCache) {}

  property(id: string, load: () => Promise<PropertyView>): Promise<PropertyView> {
    return this.cache.getOrLoad(`property:${id}`, load, {
      ttlSeconds: TTL_SECONDS.property,
      tags: [propertyTag(id)],
    });
  }

  search(
    query: object,
    today: string,
    load: () => Promise<Page<PropertySummaryView>>,
  ): Promise<Page<PropertySummaryView>> {
    return this.cache.getOrLoad(searchKey(query, today), load, {
      ttlSeconds: TTL_SECONDS.search,
      tags: (page) => [SEARCH_TAG, ...page.items.map((item) => propertyTag(item.id))],
    });
  }

  availability<T>(propertyId: string, from: string, to: string, load: () => Promise<T>): Promise<T> {
    return this.cache.getOrLoad(`availability:${propertyId}:${from}:${to}`, load, {
      ttlSeconds: TTL_SECONDS.availability,
      tags: [propertyTag(propertyId)],
    });
  }

  /**
   * The property became less available (a hold, a block) or changed only what its own pages show
   * (images): its page, its calendar and the search pages that list it.
   */
  propertyChanged(id: string): Promise<void> {
    return this.cache.invalidate([propertyTag(id)]);
  }

  /**
   * The property may now belong on search pages that did not list it (created, edited, published,
   * dates freed by an expiry, a cancellation or an unblock): its entries and every search page.
   */
  listingChanged(id: string): Promise<void> {
    return this.cache.invalidate([propertyTag(id), SEARCH_TAG]);
  }
}
