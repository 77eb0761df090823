import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff, stayRows } from './email-copy';
import { defineEmailTemplate } from './email-template';
import { formatMoney } from './locale-format.util';

export const bookingCancelledGuestPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  checkIn: payloadFields.date,
  checkOut: payloadFields.date,
  /** What the guest gets back, in minor units; 0 when the cancellation earns no refund. */
  refundAmount: payloadFields.amount,
  currency: payloadFields.currency,
});
export type BookingCancelledGuestPayload = z.infer<typeof bookingCancelledGuestPayloadSchema>;

/** The guest's booking is cancelled, with what they get back. */
export const bookingCancelledGuestTemplate = defineEmailTemplate({
  payload: bookingCancelledGuestPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Your booking at ${title} is cancelled`,
      intro: (title: string) => `Your booking at ${title} has been cancelled.`,
      refund: (amount: string) =>
        `We are refunding ${amount} to your original payment method. Refunds usually reach your account within 5 to 10 working days; you will get another email once the refund has gone through.`,
      noRefund: 'This cancellation does not qualify for a refund.',
      refundLabel: 'Refund',
    },
    nl: {
      subject: (title: string) => `Je boeking bij ${title} is geannuleerd`,
      intro: (title: string) => `Je boeking bij ${title} is geannuleerd.`,
      refund: (amount: string) =>
        `We storten ${amount} terug via je oorspronkelijke betaalmethode. Een terugbetaling staat meestal binnen 5 tot 10 werkdagen op je rekening; je krijgt nog een e-mail zodra de terugbetaling gelukt is.`,
      noRefund: 'Bij deze annulering hoort geen terugbetaling.',
      refundLabel: 'Terugbetaling',
    },
  },
  compose: (payload, copy, locale) => {
    const refund = formatMoney(payload.refundAmount, payload.currency, locale);
    return {
      subject: copy.subject(payload.propertyTitle),
      blocks: [
        { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.guestName) },
        { kind: 'paragraph', text: copy.intro(payload.propertyTitle) },
        { kind: 'paragraph', text: payload.refundAmount > 0 ? copy.refund(refund) : copy.noRefund },
        {
          kind: 'details',
          rows: [
            ...stayRows(payload, locale),
            [copy.refundLabel, refund],
            [COMMON_COPY[locale].reference, payload.bookingId],
          ],
        },
        signoff(locale),
      ],
    };
  },
});
