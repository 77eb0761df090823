import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate } from './email-template';

export const welcomePayloadSchema = z.object({ recipientName: payloadFields.name });
export type WelcomePayload = z.infer<typeof welcomePayloadSchema>;

/** Sent once an account has been registered. */
export const welcomeTemplate = defineEmailTemplate({
  payload: welcomePayloadSchema,
  copy: {
    en: {
      subject: (name: string) => (name ? `Welcome to RentGuy, ${name}` : 'Welcome to RentGuy'),
      intro: 'Your RentGuy account is ready. You can now look for a place to stay, book it and pay online.',
    },
    nl: {
      subject: (name: string) => (name ? `Welkom bij RentGuy, ${name}` : 'Welkom bij RentGuy'),
      intro: 'Je RentGuy-account is klaar. Je kunt nu een verblijf zoeken, het boeken en online betalen.',
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject(payload.recipientName),
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.recipientName) },
      { kind: 'paragraph', text: copy.intro },
      signoff(locale),
    ],
  }),
});
