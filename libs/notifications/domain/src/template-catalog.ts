import type { z } from 'zod';
import { LOCALES, DEFAULT_LOCALE, type Locale, type RenderedEmail } from './email-template.model';
import type { EmailTemplate } from './email-template';
import { apiKeyExpiringTemplate } from './api-key-expiring.template';
import { applicationDecidedTemplate } from './application-decided.template';
import { bookingCancelledGuestTemplate } from './booking-cancelled-guest.template';
import { bookingCancelledHostTemplate } from './booking-cancelled-host.template';
import { bookingConfirmedTemplate } from './booking-confirmed.template';
import { bookingHeldTemplate } from './booking-held.template';
import { bookingNewHostTemplate } from './booking-new-host.template';
import { calendarConflictTemplate } from './calendar-conflict.template';
import { holdExpiredTemplate } from './hold-expired.template';
import { passwordResetTemplate } from './password-reset.template';
import { paymentFailedTemplate } from './payment-failed.template';
import { refundSucceededTemplate } from './refund-succeeded.template';
import { welcomeTemplate } from './welcome.template';
import { hostGettingStartedTemplate } from './host-getting-started.template';
import type { NotificationCategory } from './notification-category';
import type { RenderExtras } from './email-template';

/**
 * Every email template by name. The names are stored in the delivery ledger, so they are string
 * literals that never change once used. Which are sent today, and on which event:
 * docs/architecture.md, Notifications.
 */
export const templateCatalog = {
  welcome: welcomeTemplate,
  'booking-held': bookingHeldTemplate,
  'booking-confirmed': bookingConfirmedTemplate,
  'booking-new-host': bookingNewHostTemplate,
  'booking-cancelled-guest': bookingCancelledGuestTemplate,
  'booking-cancelled-host': bookingCancelledHostTemplate,
  'refund-succeeded': refundSucceededTemplate,
  'payment-failed': paymentFailedTemplate,
  'hold-expired': holdExpiredTemplate,
  'application-decided': applicationDecidedTemplate,
  'calendar-conflict': calendarConflictTemplate,
  'api-key-expiring': apiKeyExpiringTemplate,
  'password-reset': passwordResetTemplate,
  'host-getting-started': hostGettingStartedTemplate,
} as const;

export type TemplateName = keyof typeof templateCatalog;

/** The preference category of each template; only non-transactional ones can be switched off. */
export const templateCategories: Readonly<Record<TemplateName, NotificationCategory>> = {
  welcome: 'transactional',
  'booking-held': 'transactional',
  'booking-confirmed': 'transactional',
  'booking-new-host': 'transactional',
  'booking-cancelled-guest': 'transactional',
  'booking-cancelled-host': 'transactional',
  'refund-succeeded': 'transactional',
  'payment-failed': 'transactional',
  'hold-expired': 'transactional',
  'application-decided': 'transactional',
  'calendar-conflict': 'transactional',
  'api-key-expiring': 'transactional',
  'password-reset': 'transactional',
  'host-getting-started': 'host_tips',
};
export type TemplatePayload<T extends TemplateName> = z.infer<(typeof templateCatalog)[T]['payload']>;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templateCatalog, name);
}

/** The locale to write in: the requested one when we have it, English otherwise. */
export function resolveLocale(locale: string | null | undefined): Locale {
  return LOCALES.find((known) => known === locale) ?? DEFAULT_LOCALE;
}

/** The subject of a delivery about to be recorded, from its typed payload. */
export function emailSubject<T extends TemplateName>(
  template: T,
  payload: TemplatePayload<T>,
  locale: Locale,
): string {
  const definition: EmailTemplate<z.ZodType> = templateCatalog[template];
  return definition.subject(payload, locale);
}

/** Renders a template from what the ledger stored; the payload is validated because jsonb is untyped. */
export function renderStoredEmail(
  template: string,
  locale: string,
  payload: unknown,
  extras?: RenderExtras,
): RenderedEmail {
  if (!isTemplateName(template)) {
    throw new Error(`unknown email template "${template}"`);
  }
  const definition: EmailTemplate<z.ZodType> = templateCatalog[template];
  return definition.render(definition.payload.parse(payload), resolveLocale(locale), extras);
}

/**
 * What the ledger keeps of a payload once its delivery is settled (sent or failed for good): a
 * password-reset link is a credential until it expires, so its token is not kept.
 */
export function storedAfterSending(template: TemplateName, payload: unknown): unknown {
  if (template !== 'password-reset' || typeof payload !== 'object' || payload === null) {
    return payload;
  }
  const stored = { ...(payload as Record<string, unknown>) };
  if (typeof stored['resetUrl'] === 'string') {
    const url = new URL(stored['resetUrl']);
    url.searchParams.set('token', 'redacted');
    stored['resetUrl'] = url.toString();
  }
  return stored;
}
