import { CANCELLATION_POLICIES, MAX_BOOKING_TOTAL, MAX_STAY_NIGHTS } from '@rentguy/rentals/domain';
import { z } from 'zod';

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
// Region codes Intl names that are not ISO 3166-1 countries (UK is reserved: the code is GB).
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'UK', 'QO', 'XA', 'XB', 'ZZ']);
const currencies = new Set(Intl.supportedValuesOf('currency'));

export const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code')
  .transform((code) => code.toUpperCase())
  .refine((code) => !NOT_COUNTRIES.has(code) && regions.of(code) !== undefined, 'unknown country code');

export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code in capitals')
  .refine((code) => currencies.has(code), 'unknown currency code');

const text = (max: number) => z.string().trim().min(1).max(max);

export const createPropertySchema = z
  .object({
    title: text(200),
    description: z.string().trim().max(10_000),
    city: text(120),
    country: countryCode,
    nightlyPrice: z.number().int().min(1).max(MAX_BOOKING_TOTAL),
    currency: currencyCode,
    maxGuests: z.number().int().min(1).max(100),
    cleaningFee: z.number().int().min(0).max(MAX_BOOKING_TOTAL).optional(),
    minNights: z.number().int().min(1).max(MAX_STAY_NIGHTS).optional(),
    maxNights: z.number().int().min(1).max(MAX_STAY_NIGHTS).optional(),
    cancellationPolicy: z.enum(CANCELLATION_POLICIES).optional(),
    /** Defaults to true: a listing is searchable once created unless the host keeps it a draft. */
    published: z.boolean().optional(),
  })
  .strict()
  .refine((p) => p.minNights === undefined || p.maxNights === undefined || p.minNights <= p.maxNights, {
    path: ['maxNights'],
    message: 'must not be below minNights',
  });

export type CreatePropertyDto = z.infer<typeof createPropertySchema>;
