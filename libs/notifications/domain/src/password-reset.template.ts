import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate, linkSchema } from './email-template';
import { formatDateTime } from './locale-format.util';

export const passwordResetPayloadSchema = z.object({
  recipientName: payloadFields.name,
  resetUrl: linkSchema,
  expiresAt: payloadFields.instant,
  timeZone: payloadFields.timeZone,
});
export type PasswordResetPayload = z.input<typeof passwordResetPayloadSchema>;

/** The link to choose a new password; transactional, so it is sent whatever the preferences say. */
export const passwordResetTemplate = defineEmailTemplate({
  payload: passwordResetPayloadSchema,
  copy: {
    en: {
      subject: 'Reset your RentGuy password',
      intro: (deadline: string) =>
        `Someone asked to reset the password of your RentGuy account. Use the link below to choose a new one; it works until ${deadline}.`,
      action: 'Choose a new password',
      ignore: 'If you did not ask for this, ignore this email: your password stays as it is.',
    },
    nl: {
      subject: 'Stel je RentGuy-wachtwoord opnieuw in',
      intro: (deadline: string) =>
        `Er is gevraagd om het wachtwoord van je RentGuy-account opnieuw in te stellen. Kies via de link hieronder een nieuw wachtwoord; de link werkt tot ${deadline}.`,
      action: 'Nieuw wachtwoord kiezen',
      ignore:
        'Heb je hier niet om gevraagd? Dan kun je deze e-mail negeren: je wachtwoord blijft zoals het is.',
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject,
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.recipientName) },
      {
        kind: 'paragraph',
        text: copy.intro(formatDateTime(payload.expiresAt, locale, payload.timeZone)),
      },
      { kind: 'action', label: copy.action, url: payload.resetUrl },
      { kind: 'paragraph', text: copy.ignore },
      signoff(locale),
    ],
  }),
});
