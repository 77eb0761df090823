import { z } from 'zod';

/**
 * Service-to-service HTTP contracts: routes a service serves only to its siblings (the gateway
 * never routes `/internal/...`), called with the end user's bearer token forwarded, never with a
 * token the caller minted.
 */

/** Rentals: one booking, for its guest only (anyone else gets 404, as on the public route). */
export const INTERNAL_BOOKING_ROUTE = 'internal/v1/bookings/:id';
export const internalBookingPath = (bookingId: string): string =>
  `/internal/v1/bookings/${encodeURIComponent(bookingId)}`;

/** The booking states rentals may report (ARCHITECTURE §4). */
export const INTERNAL_BOOKING_STATUSES = ['held', 'confirmed', 'completed', 'expired', 'cancelled'] as const;

/** What payments needs to decide whether a booking may be paid, and how much. */
export const internalBookingSchema = z.object({
  bookingId: z.uuid(),
  guestId: z.uuid(),
  status: z.enum(INTERNAL_BOOKING_STATUSES),
  totalAmount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type InternalBooking = z.infer<typeof internalBookingSchema>;
