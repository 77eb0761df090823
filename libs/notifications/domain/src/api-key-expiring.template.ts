import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate } from './email-template';
import { formatDateTime } from './locale-format.util';

export const apiKeyExpiringPayloadSchema = z.object({
  recipientName: payloadFields.name,
  keyName: z.string(),
  /** The key's public prefix, never the secret: enough to recognise it in a config file. */
  keyPrefix: z.string(),
  expiresAt: payloadFields.instant,
  timeZone: payloadFields.timeZone,
});
export type ApiKeyExpiringPayload = z.input<typeof apiKeyExpiringPayloadSchema>;

/** An API key is about to stop working. */
export const apiKeyExpiringTemplate = defineEmailTemplate({
  payload: apiKeyExpiringPayloadSchema,
  copy: {
    en: {
      subject: (key: string) => `Your API key ${key} expires soon`,
      intro: (key: string, deadline: string) =>
        `Your API key ${key} expires on ${deadline}. Create a new key and move your integration to it before then: requests made with the old key will be refused afterwards.`,
      key: 'Key',
      prefix: 'Starts with',
      expires: 'Expires',
    },
    nl: {
      subject: (key: string) => `Je API-sleutel ${key} verloopt binnenkort`,
      intro: (key: string, deadline: string) =>
        `Je API-sleutel ${key} verloopt op ${deadline}. Maak vóór die tijd een nieuwe sleutel aan en zet je koppeling daarop over: daarna worden verzoeken met de oude sleutel geweigerd.`,
      key: 'Sleutel',
      prefix: 'Begint met',
      expires: 'Verloopt',
    },
  },
  compose: (payload, copy, locale) => {
    const deadline = formatDateTime(payload.expiresAt, locale, payload.timeZone);
    return {
      subject: copy.subject(payload.keyName),
      blocks: [
        { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.recipientName) },
        { kind: 'paragraph', text: copy.intro(payload.keyName, deadline) },
        {
          kind: 'details',
          rows: [
            [copy.key, payload.keyName],
            [copy.prefix, payload.keyPrefix],
            [copy.expires, deadline],
          ],
        },
        signoff(locale),
      ],
    };
  },
});
