/**
 * Tags of rentals' cached public reads (the rentals feature caches them; the image worker
 * invalidates too). A property's tag covers its page, its calendar and every search page listing it.
 */
export const propertyCacheTag = (propertyId: string): string => `property:${propertyId}`;

/** Every search page: dropped by changes that can add a property to pages that did not list it. */
export const SEARCH_CACHE_TAG = 'search';
