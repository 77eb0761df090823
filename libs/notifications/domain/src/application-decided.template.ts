import { z } from 'zod';
import { COMMON_COPY, payloadFields, signoff } from './email-copy';
import { defineEmailTemplate } from './email-template';

export const applicationDecidedPayloadSchema = z.object({
  applicationId: z.uuid(),
  applicantName: payloadFields.name,
  propertyTitle: payloadFields.title,
  /** Only final outcomes: an application sent to manual review is not decided yet. */
  decision: z.enum(['approved', 'declined']),
  /** What the host wrote with the decision; absent in rows recorded before it was kept. */
  reason: z.string().optional(),
});
export type ApplicationDecidedPayload = z.infer<typeof applicationDecidedPayloadSchema>;

/** The applicant hears whether their rental application was approved. */
export const applicationDecidedTemplate = defineEmailTemplate({
  payload: applicationDecidedPayloadSchema,
  copy: {
    en: {
      subject: {
        approved: (title: string) => `Your application for ${title} is approved`,
        declined: (title: string) => `Your application for ${title}`,
      },
      intro: {
        approved: (title: string) => `Good news: your rental application for ${title} has been approved.`,
        declined: (title: string) =>
          `We are sorry: your rental application for ${title} has not been approved.`,
      },
      reference: 'Application reference',
      hostMessage: (reason: string) => `The host wrote: “${reason}”`,
    },
    nl: {
      subject: {
        approved: (title: string) => `Je aanvraag voor ${title} is goedgekeurd`,
        declined: (title: string) => `Je aanvraag voor ${title}`,
      },
      intro: {
        approved: (title: string) => `Goed nieuws: je huuraanvraag voor ${title} is goedgekeurd.`,
        declined: (title: string) => `Het spijt ons: je huuraanvraag voor ${title} is niet goedgekeurd.`,
      },
      reference: 'Aanvraagnummer',
      hostMessage: (reason: string) => `De verhuurder schreef: “${reason}”`,
    },
  },
  compose: (payload, copy, locale) => ({
    subject: copy.subject[payload.decision](payload.propertyTitle),
    blocks: [
      { kind: 'paragraph', text: COMMON_COPY[locale].greeting(payload.applicantName) },
      { kind: 'paragraph', text: copy.intro[payload.decision](payload.propertyTitle) },
      ...(payload.reason ? [{ kind: 'paragraph' as const, text: copy.hostMessage(payload.reason) }] : []),
      { kind: 'details', rows: [[copy.reference, payload.applicationId]] },
      signoff(locale),
    ],
  }),
});
