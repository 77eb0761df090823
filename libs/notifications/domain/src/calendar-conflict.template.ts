import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate } from './email-template';

export const calendarConflictPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  hostName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
  /** The calendar the booking collides with, as the host named it (e.g. an imported iCal feed). */
  calendarName: z.string(),
});
export type CalendarConflictPayload = z.infer<typeof calendarConflictPayloadSchema>;

/** A booking overlaps dates another of the host's calendars marks as taken. */
export const calendarConflictTemplate = defineEmailTemplate({
  payload: calendarConflictPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Calendar conflict at ${title}`,
      intro: (title: string, calendar: string) =>
        `A booking at ${title} overlaps dates that your calendar ${calendar} marks as unavailable. Please check both calendars so that nobody is double-booked.`,
      calendar: 'Calendar',
    },
    nl: {
      subject: (title: string) => `Agendaconflict bij ${title}`,
      intro: (title: string, calendar: string) =>
        `Een boeking voor ${title} overlapt met data die in je agenda ${calendar} als niet beschikbaar staan. Controleer beide agenda's, zodat er niet dubbel geboekt wordt.`,
      calendar: 'Agenda',
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject(payload.propertyTitle),
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.hostName) },
      { kind: 'paragraph', text: copy.intro(payload.propertyTitle, payload.calendarName) },
      {
        kind: 'details',
        rows: [
          ...stayRows(payload, locale),
          [copy.calendar, payload.calendarName],
          [COMMON_COPY[locale].reference, payload.bookingId],
        ],
      },
      signoff(locale),
    ],
  }),
});
