import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate, linkSchema } from './email-template';
import { formatDateTime, formatMoney } from './locale-format.util';

export const bookingHeldPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
  totalAmount: payloadFields.amount,
  currency: payloadFields.currency,
  expiresAt: payloadFields.instant,
  paymentUrl: linkSchema,
  timeZone: payloadFields.timeZone,
});
export type BookingHeldPayload = z.input<typeof bookingHeldPayloadSchema>;

/** The guest's dates are held: pay before `expiresAt` through the payment link. */
export const bookingHeldTemplate = defineEmailTemplate({
  payload: bookingHeldPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Complete your payment to book ${title}`,
      intro: (title: string, deadline: string) =>
        `We are holding ${title} for you. Pay before ${deadline} to confirm your booking; after that the dates are released.`,
      total: 'Amount due',
      deadline: 'Pay before',
      action: 'Pay now',
    },
    nl: {
      subject: (title: string) => `Rond je betaling af om ${title} te boeken`,
      intro: (title: string, deadline: string) =>
        `We houden ${title} voor je vast. Betaal vóór ${deadline} om je boeking te bevestigen; daarna komen de data weer vrij.`,
      total: 'Te betalen',
      deadline: 'Betaal vóór',
      action: 'Nu betalen',
    },
  },
  compose: (payload, copy, locale) => {
    const deadline = formatDateTime(payload.expiresAt, locale, payload.timeZone);
    return {
      subject: copy.subject(payload.propertyTitle),
      blocks: [
        { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.guestName) },
        { kind: 'paragraph', text: copy.intro(payload.propertyTitle, deadline) },
        {
          kind: 'details',
          rows: [
            ...stayRows(payload, locale),
            [copy.total, formatMoney(payload.totalAmount, payload.currency, locale)],
            [copy.deadline, deadline],
            [COMMON_COPY[locale].reference, payload.bookingId],
          ],
        },
        { kind: 'action', label: copy.action, url: payload.paymentUrl },
        signoff(locale),
      ],
    };
  },
});
