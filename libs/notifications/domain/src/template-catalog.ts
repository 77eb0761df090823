import type { z } from 'zod';
import { LOCALES, DEFAULT_LOCALE, type Locale, type RenderedEmail } from './email-template.model';
import {
  bookingConfirmedPayloadSchema,
  bookingConfirmedSubject,
  renderBookingConfirmed,
} from './booking-confirmed.template';

interface TemplateDefinition<S extends z.ZodType> {
  payload: S;
  subject: (payload: z.infer<S>, locale: Locale) => string;
  render: (payload: z.infer<S>, locale: Locale) => RenderedEmail;
}

const define = <S extends z.ZodType>(definition: TemplateDefinition<S>): TemplateDefinition<S> => definition;

/**
 * Every email template by name. The names are stored in the delivery ledger, so they are string
 * literals that never change once used.
 */
export const templateCatalog = {
  'booking-confirmed': define({
    payload: bookingConfirmedPayloadSchema,
    subject: bookingConfirmedSubject,
    render: renderBookingConfirmed,
  }),
} as const;

export type TemplateName = keyof typeof templateCatalog;
export type TemplatePayload<T extends TemplateName> = z.infer<(typeof templateCatalog)[T]['payload']>;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templateCatalog, name);
}

/** The locale to write in: the requested one when we have it, English otherwise. */
export function resolveLocale(locale: string | null | undefined): Locale {
  return LOCALES.find((known) => known === locale) ?? DEFAULT_LOCALE;
}

/** Renders a template from what the ledger stored; the payload is validated because jsonb is untyped. */
export function renderStoredEmail(template: string, locale: string, payload: unknown): RenderedEmail {
  if (!isTemplateName(template)) {
    throw new Error(`unknown email template "${template}"`);
  }
  const definition: TemplateDefinition<z.ZodType> = templateCatalog[template];
  return definition.render(definition.payload.parse(payload), resolveLocale(locale));
}
