import {
  APPLICATION_STATUSES,
  type CancellationQuote,
  BOOKING_STATUSES,
  CANCELLATION_POLICIES,
  HOST_DECISIONS,
  IMAGE_FORMATS,
  IMAGE_STATUSES,
  SCREENING_OUTCOMES,
  type PriceBreakdown,
} from '@rentguy/rentals/domain';
import { pageSchema, type Holds, type SchemaMatches } from '@rentguy/platform/http';
import { z } from 'zod';
import type {
  AnalyticsFreshness,
  AvailabilityView,
  BlockView,
  CalendarExportView,
  CalendarFeedView,
  PlatformMonthView,
  PropertyMonthView,
} from './calendar.views';
import type { Page } from './page-cursor';
import type {
  ApplicationView,
  BookingView,
  ImageView,
  PropertySummaryView,
  PropertyView,
  QuoteView,
} from './rentals.views';

/**
 * The answers of rentals' public routes, as the OpenAPI document describes them (`@ApiDoc`). The
 * views stay the interfaces the code returns; the assertions at the end fail the typecheck when one
 * drifts from its schema, so the document cannot describe an answer the code no longer gives.
 */

const money = z.number().int().meta({ description: 'minor units (cents) of `currency`' });
const timestamp = z.iso.datetime({ offset: true });

export const priceBreakdownSchema = z.object({
  nights: z.number().int(),
  nightlyPrice: money,
  accommodation: money,
  cleaningFee: money,
  serviceFee: money,
  serviceFeeBps: z.number().int().meta({ description: 'basis points the service fee was computed with' }),
  tax: money,
  taxBps: z.number().int().meta({ description: 'basis points the tax was computed with' }),
  total: money,
  currency: z.string().meta({ description: 'ISO 4217, upper case' }),
});

export const imageViewSchema = z.object({
  id: z.uuid(),
  status: z.enum(IMAGE_STATUSES),
  variants: z.array(z.object({ width: z.number().int(), format: z.enum(IMAGE_FORMATS), url: z.string() })),
});

const propertyFields = {
  id: z.uuid(),
  hostId: z.uuid(),
  title: z.string(),
  description: z.string(),
  city: z.string(),
  country: z.string().meta({ description: 'ISO 3166-1 alpha-2' }),
  nightlyPrice: money,
  currency: z.string(),
  maxGuests: z.number().int(),
  cleaningFee: money,
  minNights: z.number().int(),
  maxNights: z.number().int(),
  cancellationPolicy: z.enum(CANCELLATION_POLICIES),
  published: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
};

export const propertyViewSchema = z.object({ ...propertyFields, images: z.array(imageViewSchema) });

export const propertySummaryViewSchema = z.object({
  ...propertyFields,
  quote: priceBreakdownSchema.optional().meta({ description: 'the stay’s price, when dates were given' }),
});

export const quoteViewSchema = z.object({
  propertyId: z.uuid(),
  checkIn: z.iso.date(),
  checkOut: z.iso.date(),
  guests: z.number().int(),
  priceBreakdown: priceBreakdownSchema,
});

export const cancellationQuoteSchema = z.object({
  refundAmount: money,
  currency: z.string(),
  policy: z.enum(CANCELLATION_POLICIES),
  policyVersion: z.number().int(),
  asOf: timestamp,
  breakdown: z.object({
    paid: money,
    accommodation: money,
    cleaningFee: money,
    serviceFee: money,
    tax: money,
    accommodationBps: z.number().int(),
    hoursBeforeCheckIn: z.number().int(),
    basis: z.enum(['policy', 'full', 'unpaid', 'admin-amount']),
  }),
});

const cancellationViewSchema = z.object({
  cancelledAt: timestamp,
  cancelledBy: z.enum(['guest', 'host', 'admin']),
  quote: cancellationQuoteSchema,
  refund: z.object({
    amount: money,
    currency: z.string(),
    status: z.enum(['none', 'requested', 'succeeded', 'failed']),
  }),
});

const refundViewSchema = z.object({
  id: z.uuid(),
  amount: money,
  currency: z.string(),
  reason: z.string(),
  status: z.enum(['succeeded', 'failed']),
});

export const bookingViewSchema = z
  .object({
    id: z.uuid(),
    propertyId: z.uuid(),
    status: z.enum(BOOKING_STATUSES),
    checkIn: z.iso.date(),
    checkOut: z.iso.date().meta({ description: 'exclusive: the day the guest leaves' }),
    guests: z.number().int(),
    totalAmount: money,
    currency: z.string(),
    priceBreakdown: priceBreakdownSchema,
    cancellationPolicy: z.enum(CANCELLATION_POLICIES),
    cancellationPolicyVersion: z
      .number()
      .int()
      .meta({ description: "the version of the policy's rules this booking keeps" }),
    expiresAt: timestamp.meta({ description: 'when an unpaid hold expires' }),
    confirmedAt: timestamp.nullable(),
    createdAt: timestamp,
    cancellation: cancellationViewSchema.nullable(),
    refunds: z
      .array(refundViewSchema)
      .meta({ description: 'every refund payments reported for the booking' }),
  })
  .meta({
    examples: [
      {
        id: '0b7f9a3e-8c1d-4f2a-9e6b-3d5c7a1f2e4b',
        propertyId: '5a2c8e1f-3b4d-4c6e-8f0a-1b2c3d4e5f60',
        status: 'held',
        checkIn: '2027-07-01',
        checkOut: '2027-07-04',
        guests: 2,
        totalAmount: 51500,
        currency: 'EUR',
        priceBreakdown: {
          nights: 3,
          nightlyPrice: 15000,
          accommodation: 45000,
          cleaningFee: 5000,
          serviceFee: 1500,
          serviceFeeBps: 300,
          tax: 0,
          taxBps: 0,
          total: 51500,
          currency: 'EUR',
        },
        cancellationPolicy: 'moderate',
        cancellationPolicyVersion: 1,
        expiresAt: '2027-06-01T12:15:00.000Z',
        confirmedAt: null,
        createdAt: '2027-06-01T12:00:00.000Z',
        cancellation: null,
        refunds: [],
      },
    ],
  });

export const applicationViewSchema = z.object({
  id: z.uuid(),
  propertyId: z.uuid(),
  status: z.enum(APPLICATION_STATUSES),
  screening: z
    .object({ outcome: z.enum(SCREENING_OUTCOMES), reasons: z.array(z.string()), screenedAt: timestamp })
    .optional()
    .meta({ description: 'once screened: the outcome as a summary, never the applicant’s data' }),
  decision: z
    .object({ decision: z.enum(HOST_DECISIONS), reason: z.string(), decidedAt: timestamp })
    .optional()
    .meta({ description: 'once the host decided' }),
  createdAt: timestamp,
});

export const applicationPageSchema = pageSchema(applicationViewSchema);

export const availabilityViewSchema = z.object({
  propertyId: z.uuid(),
  from: z.iso.date(),
  to: z.iso.date(),
  days: z.array(z.object({ date: z.iso.date(), status: z.enum(['available', 'booked', 'blocked']) })),
});

export const blockViewSchema = z.object({
  id: z.uuid(),
  from: z.iso.date(),
  to: z.iso.date().meta({ description: 'exclusive: the first day free again' }),
  note: z.string(),
  source: z.enum(['host', 'feed']).meta({
    description: '`host` for a block the host set, `feed` for one an imported calendar holds',
  }),
  feedId: z.uuid().nullable(),
  createdAt: timestamp,
});

export const blockListSchema = z.array(blockViewSchema);

export const calendarExportViewSchema = z.object({
  token: z.string().meta({ description: 'the export secret: shown in this answer only' }),
  url: z.string().meta({ description: 'the iCal URL to give another platform' }),
});

/** The busy days as iCalendar (RFC 5545), for other platforms to import. */
export const calendarIcsSchema = z.string();

export const calendarFeedViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  name: z.string(),
  createdAt: timestamp,
  lastSync: z
    .object({
      startedAt: timestamp,
      finishedAt: timestamp,
      status: z.enum(['ok', 'failed']),
      error: z.string().nullable(),
      counts: z
        .object({
          events: z.number().int(),
          added: z.number().int(),
          removed: z.number().int(),
          unchanged: z.number().int(),
          conflicts: z.number().int(),
          flagged: z.number().int(),
          overlapping: z.number().int(),
        })
        .partial(),
    })
    .nullable()
    .meta({ description: 'the last sync run, or null before the first' }),
});

export const calendarFeedListSchema = z.array(calendarFeedViewSchema);

const analyticsFreshness = {
  refreshedAt: timestamp
    .nullable()
    .meta({ description: 'when the figures were computed; null before the first computation' }),
  ageSeconds: z.number().int().nullable(),
};

const monthFigures = {
  month: z.string().meta({ description: '`YYYY-MM`' }),
  bookedNights: z.number().int(),
  availableNights: z.number().int().meta({ description: 'nights of the month not blocked' }),
  occupancy: z
    .number()
    .meta({ description: 'bookedNights / availableNights (0 when nothing was available), four decimals' }),
  revenue: z.object({ amount: money, currency: z.string() }),
};

export const hostAnalyticsSchema = z.object({
  ...analyticsFreshness,
  items: z.array(z.object({ propertyId: z.uuid(), title: z.string(), ...monthFigures })),
});

export const platformAnalyticsSchema = z.object({
  ...analyticsFreshness,
  items: z.array(z.object({ ...monthFigures, currency: z.string(), properties: z.number().int() })),
});

/** Compile-time only: every view equals what its schema describes. */
export type ViewSchemasMatchViews = [
  Holds<SchemaMatches<typeof priceBreakdownSchema, PriceBreakdown>>,
  Holds<SchemaMatches<typeof imageViewSchema, ImageView>>,
  Holds<SchemaMatches<typeof propertyViewSchema, PropertyView>>,
  Holds<SchemaMatches<typeof propertySummaryViewSchema, PropertySummaryView>>,
  Holds<SchemaMatches<typeof quoteViewSchema, QuoteView>>,
  Holds<SchemaMatches<typeof bookingViewSchema, BookingView>>,
  Holds<SchemaMatches<typeof applicationViewSchema, ApplicationView>>,
  Holds<SchemaMatches<ReturnType<typeof pageSchema<typeof bookingViewSchema>>, Page<BookingView>>>,
  Holds<SchemaMatches<typeof applicationPageSchema, Page<ApplicationView>>>,
  Holds<SchemaMatches<typeof cancellationQuoteSchema, CancellationQuote>>,
  Holds<SchemaMatches<typeof availabilityViewSchema, AvailabilityView>>,
  Holds<SchemaMatches<typeof blockListSchema, BlockView[]>>,
  Holds<SchemaMatches<typeof calendarExportViewSchema, CalendarExportView>>,
  Holds<SchemaMatches<typeof calendarFeedListSchema, CalendarFeedView[]>>,
  Holds<SchemaMatches<typeof hostAnalyticsSchema, AnalyticsFreshness & { items: PropertyMonthView[] }>>,
  Holds<SchemaMatches<typeof platformAnalyticsSchema, AnalyticsFreshness & { items: PlatformMonthView[] }>>,
];
