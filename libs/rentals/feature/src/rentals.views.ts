import type { InternalBooking } from '@rentguy/contracts';
import type {
  ListedApplication,
  BookingEntity,
  ImageEntity,
  PropertyEntity,
} from '@rentguy/rentals/data-access';
import type {
  ApplicationStatus,
  BookingStatus,
  HostDecision,
  CancellationPolicy,
  ImageFormat,
  ImageStatus,
  PriceBreakdown,
  ScreeningOutcome,
} from '@rentguy/rentals/domain';

export interface ImageView {
  id: string;
  status: ImageStatus;
  variants: { width: number; format: ImageFormat; url: string }[];
}

export interface PropertyView {
  id: string;
  hostId: string;
  title: string;
  description: string;
  city: string;
  country: string;
  nightlyPrice: number;
  currency: string;
  maxGuests: number;
  cleaningFee: number;
  minNights: number;
  maxNights: number;
  cancellationPolicy: CancellationPolicy;
  published: boolean;
  createdAt: string;
  updatedAt: string;
  images: ImageView[];
}

/** A search result: the listing without its images, and the stay's price when dates were given. */
export type PropertySummaryView = Omit<PropertyView, 'images'> & { quote?: PriceBreakdown };

/** `GET /v1/properties/:id/quote`. */
export interface QuoteView {
  propertyId: string;
  checkIn: string;
  checkOut: string;
  guests: number;
  priceBreakdown: PriceBreakdown;
}

export interface BookingView {
  id: string;
  propertyId: string;
  status: BookingStatus;
  checkIn: string;
  checkOut: string;
  guests: number;
  totalAmount: number;
  currency: string;
  priceBreakdown: PriceBreakdown;
  cancellationPolicy: CancellationPolicy;
  expiresAt: string;
  confirmedAt: string | null;
  createdAt: string;
}

/** Never carries the applicant's personal data. */
/**
 * An application as its applicant and the property's host see it: screening's outcome as a summary
 * and the host's decision, never the applicant's personal data (name, date of birth) nor the
 * provider's score.
 */
export interface ApplicationView {
  id: string;
  propertyId: string;
  status: ApplicationStatus;
  /** Once screened. */
  screening?: { outcome: ScreeningOutcome; reasons: string[]; screenedAt: string };
  /** Once the host decided. */
  decision?: { decision: HostDecision; reason: string; decidedAt: string };
  createdAt: string;
}

/** Public URL of a blob, served by `GET /v1/images/*` through the gateway. */
export function blobUrl(publicBaseUrl: string, key: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/images/${key}`;
}

export function toImageView(image: ImageEntity, publicBaseUrl: string): ImageView {
  return {
    id: image.id,
    status: image.status,
    variants: image.variants.map((v) => ({
      width: v.width,
      format: v.format,
      url: blobUrl(publicBaseUrl, v.key),
    })),
  };
}

export function toPropertyView(property: PropertyEntity, images: ImageView[]): PropertyView {
  return { ...toPropertySummaryView(property), images };
}

export function toPropertySummaryView(property: PropertyEntity, quote?: PriceBreakdown): PropertySummaryView {
  return {
    id: property.id,
    hostId: property.hostId,
    title: property.title,
    description: property.description,
    city: property.city,
    country: property.country,
    nightlyPrice: property.nightlyPrice,
    currency: property.currency,
    maxGuests: property.maxGuests,
    cleaningFee: property.cleaningFee,
    minNights: property.minNights,
    maxNights: property.maxNights,
    cancellationPolicy: property.cancellationPolicy,
    published: property.published,
    createdAt: property.createdAt.toISOString(),
    updatedAt: property.updatedAt.toISOString(),
    ...(quote ? { quote } : {}),
  };
}

export function toBookingView(booking: BookingEntity): BookingView {
  return {
    id: booking.id,
    propertyId: booking.propertyId,
    status: booking.status,
    checkIn: booking.checkIn,
    checkOut: booking.checkOut,
    guests: booking.guests,
    totalAmount: booking.totalAmount,
    currency: booking.currency,
    priceBreakdown: withCharges(booking.priceBreakdown),
    cancellationPolicy: booking.cancellationPolicy,
    expiresAt: booking.expiresAt.toISOString(),
    confirmedAt: booking.confirmedAt?.toISOString() ?? null,
    createdAt: booking.createdAt.toISOString(),
  };
}

/**
 * Bookings made before service fees and taxes existed stored a breakdown without them; they were
 * charged none, which is what the zeros say.
 */
function withCharges(
  breakdown: Omit<PriceBreakdown, 'serviceFee' | 'serviceFeeBps' | 'tax' | 'taxBps'> &
    Partial<PriceBreakdown>,
): PriceBreakdown {
  return { serviceFee: 0, serviceFeeBps: 0, tax: 0, taxBps: 0, ...breakdown };
}

/** For payments' read-through (`GET /internal/v1/bookings/:id`); carries the guest id, unlike BookingView. */
export function toInternalBookingView(booking: BookingEntity): InternalBooking {
  return {
    bookingId: booking.id,
    guestId: booking.guestId,
    status: booking.status,
    totalAmount: booking.totalAmount,
    currency: booking.currency,
    expiresAt: booking.expiresAt.toISOString(),
  };
}

export function toApplicationView(application: Omit<ListedApplication, 'createdAtKey'>): ApplicationView {
  const { outcome, screenedAt, decidedAt, decisionReason, status } = application;
  return {
    id: application.id,
    propertyId: application.propertyId,
    status,
    ...(outcome && screenedAt
      ? {
          screening: {
            outcome: outcome.outcome,
            reasons: outcome.reasons ?? [],
            screenedAt: screenedAt.toISOString(),
          },
        }
      : {}),
    ...((status === 'approved' || status === 'declined') && decidedAt && decisionReason !== null
      ? { decision: { decision: status, reason: decisionReason, decidedAt: decidedAt.toISOString() } }
      : {}),
    createdAt: application.createdAt.toISOString(),
  };
}
