/**
 * Rentals' cached public reads, shared by every app that caches or invalidates them: rentals
 * caches them, the image worker invalidates them, and the gateway answers anonymous property reads
 * from the same cache space. One prefix (the read cache's, after `CACHE_NAMESPACE`), so that their
 * tags meet.
 */
export const LISTING_CACHE_PREFIX = 'rentals';

/** A property's tag: it covers its page, its calendar and every search page listing it. */
export const propertyCacheTag = (propertyId: string): string => `property:${propertyId}`;

/** Every search page: dropped by changes that can add a property to pages that did not list it. */
export const SEARCH_CACHE_TAG = 'search';
