import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate } from './email-template';
import { formatMoney } from './locale-format.util';

export const refundSucceededPayloadSchema = z.object({
  bookingId: payloadFields.bookingId,
  guestName: payloadFields.name,
  propertyTitle: payloadFields.title,
  refundAmount: payloadFields.amount,
  currency: payloadFields.currency,
});
export type RefundSucceededPayload = z.infer<typeof refundSucceededPayloadSchema>;

/** The provider has paid the refund back. */
export const refundSucceededTemplate = defineEmailTemplate({
  payload: refundSucceededPayloadSchema,
  copy: {
    en: {
      subject: (amount: string) => `Your refund of ${amount} is on its way`,
      intro: (amount: string, title: string) =>
        `We have refunded ${amount} for your booking at ${title} to your original payment method. Depending on your bank, it can take a few working days to show up.`,
      refund: 'Refund',
    },
    nl: {
      subject: (amount: string) => `Je terugbetaling van ${amount} is onderweg`,
      intro: (amount: string, title: string) =>
        `We hebben ${amount} voor je boeking bij ${title} teruggestort via je oorspronkelijke betaalmethode. Afhankelijk van je bank kan het een paar werkdagen duren voordat je het ziet.`,
      refund: 'Terugbetaling',
    },
  },
  compose: (payload, copy, locale) => {
    const amount = formatMoney(payload.refundAmount, payload.currency, locale);
    return {
      subject: copy.subject(amount),
      blocks: [
        { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.guestName) },
        { kind: 'paragraph', text: copy.intro(amount, payload.propertyTitle) },
        {
          kind: 'details',
          rows: [
            [copy.refund, amount],
            [COMMON_COPY[locale].reference, payload.bookingId],
          ],
        },
        signoff(locale),
      ],
    };
  },
});
