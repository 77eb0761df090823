import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate } from './email-template';

export const hostGettingStartedPayloadSchema = z.object({ recipientName: payloadFields.name });
export type HostGettingStartedPayload = z.infer<typeof hostGettingStartedPayloadSchema>;

/** A new host's first tip (category `host_tips`, so it can be switched off and carries an unsubscribe link). */
export const hostGettingStartedTemplate = defineEmailTemplate({
  payload: hostGettingStartedPayloadSchema,
  copy: {
    en: {
      subject: 'Host tip: get your first booking on RentGuy',
      tips: [
        'Listings with at least five bright photos are booked far more often: the first one is the one guests see in search.',
        'Keep your calendar up to date, so guests never book dates you cannot offer.',
        'Answer questions quickly: guests tend to book the first host who replies.',
      ],
    },
    nl: {
      subject: 'Hosttip: krijg je eerste boeking op RentGuy',
      tips: [
        "Advertenties met minstens vijf lichte foto's worden veel vaker geboekt: de eerste foto zien gasten in de zoekresultaten.",
        'Houd je agenda bij, zodat gasten nooit data boeken die je niet kunt aanbieden.',
        'Beantwoord vragen snel: gasten boeken meestal bij de host die als eerste reageert.',
      ],
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject,
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.recipientName) },
      ...copy.tips.map((text) => ({ kind: 'paragraph' as const, text })),
      signoff(locale),
    ],
  }),
});
