import { z } from 'zod';

/** `GET /v1/properties/:id/availability?from&to`: days `[from, to)`. */
export const availabilityQuerySchema = z.object({ from: z.iso.date(), to: z.iso.date() }).strict();
export type AvailabilityQuery = z.infer<typeof availabilityQuerySchema>;

/** `POST /v1/properties/:id/blocks`: the host takes `[from, to)` off the market. */
export const createBlockSchema = z
  .object({ from: z.iso.date(), to: z.iso.date(), note: z.string().trim().max(500).optional() })
  .strict();
export type CreateBlockDto = z.infer<typeof createBlockSchema>;

/** `GET /v1/properties/:id/calendar.ics?token=…`. */
export const calendarExportQuerySchema = z.object({ token: z.string().min(1).max(200) }).strict();
export type CalendarExportQuery = z.infer<typeof calendarExportQuerySchema>;

/** `POST /v1/properties/:id/calendar-feeds`. */
export const createCalendarFeedSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2048),
    name: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type CreateCalendarFeedDto = z.infer<typeof createCalendarFeedSchema>;

/** `YYYY-MM`, a calendar month. */
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');

/** `GET /v1/host/analytics` and `GET /v1/admin/analytics`: months `from` to `to`, both included. */
export const analyticsQuerySchema = z
  .object({ from: month, to: month })
  .strict()
  .superRefine((query, ctx) => {
    const months =
      (Number(query.to.slice(0, 4)) - Number(query.from.slice(0, 4))) * 12 +
      Number(query.to.slice(5)) -
      Number(query.from.slice(5));
    if (months < 0) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    } else if (months >= 36) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'at most 36 months at once' });
    }
  });
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;
