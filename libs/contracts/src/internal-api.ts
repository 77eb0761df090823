import { z } from 'zod';

/**
 * Service-to-service HTTP contracts: routes a service serves only to its siblings (the gateway
 * never routes `/internal/...`). A call made on an end user's behalf forwards their bearer token;
 * a call no user is waiting on (a sweep) presents the calling service's own credential on a
 * service-only route (`SERVICE_TOKENS`). No service mints an access token.
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

/**
 * Payments, service-only (caller `rentals`): the succeeded payment of each listed booking that has
 * one. Rentals asks before it expires a hold, and on a schedule for holds that stayed held, so a
 * paid booking is confirmed even when `payment.succeeded` never reached it.
 */
export const INTERNAL_SETTLEMENTS_ROUTE = 'internal/v1/booking-settlements/query';
export const internalSettlementsPath = `/${INTERNAL_SETTLEMENTS_ROUTE}`;
/** Most bookings one question may list. */
export const INTERNAL_SETTLEMENTS_MAX_BOOKINGS = 200;

export const internalSettlementsQuerySchema = z.strictObject({
  bookingIds: z.array(z.uuid()).min(1).max(INTERNAL_SETTLEMENTS_MAX_BOOKINGS),
});
export type InternalSettlementsQuery = z.infer<typeof internalSettlementsQuerySchema>;

export const internalSettlementSchema = z.object({
  bookingId: z.uuid(),
  paymentId: z.uuid(),
  amount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type InternalSettlement = z.infer<typeof internalSettlementSchema>;

/** At most one item per booking; bookings without a succeeded payment are left out. */
export const internalSettlementsSchema = z.object({ items: z.array(internalSettlementSchema) });
export type InternalSettlements = z.infer<typeof internalSettlementsSchema>;
