import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate } from './email-template';
import { formatMoney } from './locale-format.util';

export const bookingCancelledHostPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  hostName: payloadFields.name,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
  /** What the guest gets back, in minor units. */
  refundAmount: payloadFields.amount,
  currency: payloadFields.currency,
});
export type BookingCancelledHostPayload = z.infer<typeof bookingCancelledHostPayloadSchema>;

/** The host's side of a cancellation: the dates are free again, and what the guest got back. */
export const bookingCancelledHostTemplate = defineEmailTemplate({
  payload: bookingCancelledHostPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Booking at ${title} cancelled`,
      intro: (guest: string, title: string) =>
        `The booking of ${guest} at ${title} has been cancelled, and its dates are available again.`,
      guest: 'Guest',
      refund: 'Refunded to the guest',
    },
    nl: {
      subject: (title: string) => `Boeking voor ${title} geannuleerd`,
      intro: (guest: string, title: string) =>
        `De boeking van ${guest} voor ${title} is geannuleerd en de data zijn weer beschikbaar.`,
      guest: 'Gast',
      refund: 'Terugbetaald aan de gast',
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
          [copy.refund, formatMoney(payload.refundAmount, payload.currency, locale)],
          [COMMON_COPY[locale].reference, payload.bookingId],
        ],
      },
      signoff(locale),
    ],
  }),
});
