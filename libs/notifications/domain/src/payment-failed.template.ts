import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate, linkSchema, type EmailBlock } from './email-template';
import { formatDateTime, formatMoney } from './locale-format.util';

export const paymentFailedPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  totalAmount: payloadFields.amount,
  currency: payloadFields.currency,
  /** Present while the booking is still held: where and until when the guest can pay again. */
  retry: z.object({ paymentUrl: linkSchema, expiresAt: payloadFields.instant }).optional(),
  timeZone: payloadFields.timeZone,
});
export type PaymentFailedPayload = z.input<typeof paymentFailedPayloadSchema>;

/** A payment attempt was declined or abandoned at the provider. */
export const paymentFailedTemplate = defineEmailTemplate({
  payload: paymentFailedPayloadSchema,
  copy: {
    en: {
      subject: (title: string) => `Your payment for ${title} did not go through`,
      intro: (amount: string, title: string) => `We could not take your payment of ${amount} for ${title}.`,
      retry: (deadline: string) => `Your booking is still held: you can try again until ${deadline}.`,
      noRetry: 'Your booking has not been confirmed.',
      action: 'Try again',
    },
    nl: {
      subject: (title: string) => `Je betaling voor ${title} is niet gelukt`,
      intro: (amount: string, title: string) =>
        `We konden je betaling van ${amount} voor ${title} niet verwerken.`,
      retry: (deadline: string) =>
        `Je boeking wordt nog vastgehouden: je kunt het opnieuw proberen tot ${deadline}.`,
      noRetry: 'Je boeking is niet bevestigd.',
      action: 'Opnieuw proberen',
    },
  },
  compose: (payload, copy, locale) => {
    const amount = formatMoney(payload.totalAmount, payload.currency, locale);
    const next: EmailBlock[] = payload.retry
      ? [
          {
            kind: 'paragraph',
            text: copy.retry(formatDateTime(payload.retry.expiresAt, locale, payload.timeZone)),
          },
          { kind: 'action', label: copy.action, url: payload.retry.paymentUrl },
        ]
      : [{ kind: 'paragraph', text: copy.noRetry }];
    return {
      subject: copy.subject(payload.propertyTitle),
      blocks: [
        { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.guestName) },
        { kind: 'paragraph', text: copy.intro(amount, payload.propertyTitle) },
        ...next,
        { kind: 'details', rows: [[COMMON_COPY[locale].reference, payload.bookingId]] },
        signoff(locale),
      ],
    };
  },
});
