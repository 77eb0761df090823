import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate } from './email-template';
import { formatMoney } from './locale-format.util';

export const bookingNewHostPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  hostName: payloadFields.name,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
  totalAmount: payloadFields.amount,
  currency: payloadFields.currency,
});
export type BookingNewHostPayload = z.infer<typeof bookingNewHostPayloadSchema>;

/** The host's side of a confirmed booking. */
export const bookingNewHostTemplate = defineEmailTemplate({
  payload: bookingNewHostPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `New booking at ${title}`,
      intro: (guest: string, title: string) => `${guest} has booked ${title}. The booking is paid.`,
      guest: 'Guest',
      total: 'Total paid',
    },
    nl: {
      subject: (title: string) => `Nieuwe boeking voor ${title}`,
      intro: (guest: string, title: string) => `${guest} heeft ${title} geboekt. De boeking is betaald.`,
      guest: 'Gast',
      total: 'Totaal betaald',
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject(payload.propertyTitle),
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.hostName) },
      { kind: 'paragraph', text: copy.intro(payload.guestName, payload.propertyTitle) },
      {
        kind: 'details',
        rows: [
          [copy.guest, payload.guestName],
          ...stayRows(payload, locale),
          [copy.total, formatMoney(payload.totalAmount, payload.currency, locale)],
          [COMMON_COPY[locale].reference, payload.bookingId],
        ],
      },
      signoff(locale),
    ],
  }),
});
