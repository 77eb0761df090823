import {
  APPLICATION_STATUSES,
  BOOKING_STATUSES,
  CANCELLATION_POLICIES,
  MAX_BOOKING_TOTAL,
  MAX_STAY_NIGHTS,
  SEARCH_SORTS,
  type ApplicationStatus,
} from '@rentguy/rentals/domain';
import { z } from 'zod';
import { countryCode } from './create-property.dto';

/** A query-string integer: digits only (no sign, no exponent), within bounds. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const page = {
  limit: wholeNumber(1, 100).optional(),
  cursor: z.string().min(1).max(512).optional(),
};

export const DEFAULT_PAGE_SIZE = 20;

/** `GET /v1/properties`: every parameter optional; anything else is refused. */
export const searchPropertiesSchema = z
  .object({
    city: z.string().trim().min(1).max(120).optional(),
    country: countryCode.optional(),
    checkIn: z.iso.date().optional(),
    checkOut: z.iso.date().optional(),
    guests: wholeNumber(1, 100).optional(),
    minPrice: wholeNumber(0, MAX_BOOKING_TOTAL).optional(),
    maxPrice: wholeNumber(0, MAX_BOOKING_TOTAL).optional(),
    sort: z.enum(SEARCH_SORTS).optional(),
    ...page,
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.checkIn !== undefined && query.checkOut === undefined) {
      ctx.addIssue({ code: 'custom', path: ['checkOut'], message: 'required with checkIn' });
    }
    if (query.checkOut !== undefined && query.checkIn === undefined) {
      ctx.addIssue({ code: 'custom', path: ['checkIn'], message: 'required with checkOut' });
    }
    if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
      ctx.addIssue({ code: 'custom', path: ['maxPrice'], message: 'must not be below minPrice' });
    }
  });

export type SearchPropertiesQuery = z.infer<typeof searchPropertiesSchema>;

/** `GET /v1/properties/:id/quote`. */
export const quoteQuerySchema = z
  .object({ checkIn: z.iso.date(), checkOut: z.iso.date(), guests: wholeNumber(1, 100) })
  .strict();

export type QuoteQuery = z.infer<typeof quoteQuerySchema>;

const text = (max: number) => z.string().trim().min(1).max(max);

/** `PATCH /v1/properties/:id`: what a host may change; the id, host, city, country and currency are not. */
export const updatePropertySchema = z
  .object({
    title: text(200).optional(),
    description: z.string().trim().max(10_000).optional(),
    nightlyPrice: z.number().int().min(1).max(MAX_BOOKING_TOTAL).optional(),
    cleaningFee: z.number().int().min(0).max(MAX_BOOKING_TOTAL).optional(),
    maxGuests: z.number().int().min(1).max(100).optional(),
    minNights: z.number().int().min(1).max(MAX_STAY_NIGHTS).optional(),
    maxNights: z.number().int().min(1).max(MAX_STAY_NIGHTS).optional(),
    cancellationPolicy: z.enum(CANCELLATION_POLICIES).optional(),
    published: z.boolean().optional(),
  })
  .strict()
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), 'nothing to change');

export type UpdatePropertyDto = z.infer<typeof updatePropertySchema>;

/** `GET /v1/host/properties`. */
export const hostPropertiesQuerySchema = z.object(page).strict();
export type HostPropertiesQuery = z.infer<typeof hostPropertiesQuerySchema>;

/** `GET /v1/host/bookings`. */
export const hostBookingsQuerySchema = z
  .object({ propertyId: z.uuid().optional(), status: z.enum(BOOKING_STATUSES).optional(), ...page })
  .strict();
export type HostBookingsQuery = z.infer<typeof hostBookingsQuerySchema>;

/** `GET /v1/bookings`. */
export const guestBookingsQuerySchema = z
  .object({ status: z.enum(BOOKING_STATUSES).optional(), ...page })
  .strict();
export type GuestBookingsQuery = z.infer<typeof guestBookingsQuerySchema>;

/** What a host's list shows: applications still in screening are not the host's business yet. */
export const HOST_APPLICATION_STATUSES = [
  'screened',
  'approved',
  'declined',
  'expired',
] as const satisfies readonly ApplicationStatus[];

/** `GET /v1/host/applications`. */
export const hostApplicationsQuerySchema = z
  .object({
    propertyId: z.uuid().optional(),
    status: z.enum(HOST_APPLICATION_STATUSES).optional(),
    ...page,
  })
  .strict();
export type HostApplicationsQuery = z.infer<typeof hostApplicationsQuerySchema>;

/** `GET /v1/applications`: the applicant's own. */
export const guestApplicationsQuerySchema = z
  .object({ status: z.enum(APPLICATION_STATUSES).optional(), ...page })
  .strict();
export type GuestApplicationsQuery = z.infer<typeof guestApplicationsQuerySchema>;
