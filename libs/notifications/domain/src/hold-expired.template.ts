import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate } from './email-template';

export const holdExpiredPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
});
export type HoldExpiredPayload = z.infer<typeof holdExpiredPayloadSchema>;

/** The hold ran out before the guest paid, and the dates were released. */
export const holdExpiredTemplate = defineEmailTemplate({
  payload: holdExpiredPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Your hold on ${title} has expired`,
      intro: (title: string) =>
        `We did not receive your payment in time, so your hold on ${title} has expired and the dates have been released. You can book again while they are still available.`,
    },
    nl: {
      subject: (title: string) => `Je reservering voor ${title} is verlopen`,
      intro: (title: string) =>
        `We hebben je betaling niet op tijd ontvangen. Daarom is je reservering voor ${title} verlopen en zijn de data weer vrijgegeven. Je kunt opnieuw boeken zolang ze nog beschikbaar zijn.`,
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject(payload.propertyTitle),
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.guestName) },
      { kind: 'paragraph', text: copy.intro(payload.propertyTitle) },
      {
        kind: 'details',
        rows: [...stayRows(payload, locale), [COMMON_COPY[locale].reference, payload.bookingId]],
      },
      signoff(locale),
    ],
  }),
});
