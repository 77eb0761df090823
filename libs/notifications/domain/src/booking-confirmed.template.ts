import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate } from './email-template';
import { formatMoney } from './locale-format.util';

/** What the booking confirmation needs, as stored in the delivery ledger. */
export const bookingConfirmedPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
  totalAmount: payloadFields.amount,
  currency: payloadFields.currency,
});
export type BookingConfirmedPayload = z.infer<typeof bookingConfirmedPayloadSchema>;

/** The confirmation a guest receives once their booking is paid. */
export const bookingConfirmedTemplate = defineEmailTemplate({
  payload: bookingConfirmedPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Your booking at ${title} is confirmed`,
      intro: (title: string) => `Good news: your stay at ${title} is confirmed and paid.`,
      total: 'Total paid',
      closing: 'Have a great stay!',
    },
    nl: {
      subject: (title: string) => `Je boeking bij ${title} is bevestigd`,
      intro: (title: string) => `Goed nieuws: je verblijf bij ${title} is bevestigd en betaald.`,
      total: 'Totaal betaald',
      closing: 'Een fijn verblijf gewenst!',
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject(payload.propertyTitle),
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.guestName) },
      { kind: 'paragraph', text: copy.intro(payload.propertyTitle) },
      {
        kind: 'details',
        rows: [
          ...stayRows(payload, locale),
          [copy.total, formatMoney(payload.totalAmount, payload.currency, locale)],
          [COMMON_COPY[locale].reference, payload.bookingId],
        ],
      },
      signoff(locale, copy.closing),
    ],
  }),
});
