/** Booking lifecycle (docs/architecture.md#bookings). Only `held` and `confirmed` occupy dates. */
export const BOOKING_STATUSES = ['held', 'confirmed', 'completed', 'expired', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const IMAGE_STATUSES = ['processing', 'ready', 'failed'] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const IMAGE_FORMATS = ['webp', 'jpeg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** One resized rendition of a property image, stored in blob storage under `key`. */
export interface ImageVariant {
  width: number;
  format: ImageFormat;
  key: string;
}

export const SCREENING_OUTCOMES = ['approved', 'declined', 'review'] as const;
export type ScreeningOutcome = (typeof SCREENING_OUTCOMES)[number];

/** What the property's host decides once screening is done. */
export const HOST_DECISIONS = ['approved', 'declined'] as const;
export type HostDecision = (typeof HOST_DECISIONS)[number];

/**
 * Application lifecycle (docs/architecture.md#tenant-applications): `screening` → `screened` (the
 * host's turn) → `approved | declined`; `screening | screened` → `expired` when nobody decided within
 * the retention period.
 */
export const APPLICATION_STATUSES = ['screening', 'screened', ...HOST_DECISIONS, 'expired'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** What the screening decided, kept after the applicant's personal data is purged. */
export interface ScreeningDecision {
  outcome: ScreeningOutcome;
  /** Provider's reference for the check, for support questions. */
  reference?: string;
  /** Human-readable reasons, free of personal data. */
  reasons?: string[];
}

/** Cancellation policies a host chooses from; a booking keeps the one in force when it was made. */
export const CANCELLATION_POLICIES = ['flexible', 'moderate', 'strict'] as const;
export type CancellationPolicy = (typeof CANCELLATION_POLICIES)[number];

/** Orders of the public property search. */
export const SEARCH_SORTS = ['price_asc', 'price_desc', 'newest'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
