import escapeHtml from 'escape-html';
import type { Locale } from './email-template.model';
import { htmlLayout } from './email-layout';
import type { SwitchableCategory } from './notification-category';

/** Where the unsubscribe flow stands: asking (GET), done (POST), or a link that is not ours. */
export type UnsubscribeState = 'confirm' | 'done' | 'invalid';

const CATEGORY_NAMES: Readonly<Record<Locale, Record<SwitchableCategory, string>>> = {
  en: { host_tips: 'host tips', product_news: 'product news' },
  nl: { host_tips: 'hosttips', product_news: 'productnieuws' },
};

const COPY = {
  en: {
    title: 'Unsubscribe',
    confirm: (category: string) => `Stop receiving ${category} from RentGuy?`,
    button: 'Unsubscribe',
    done: (category: string) =>
      `You will no longer receive ${category}. Emails about your bookings and payments keep coming.`,
    invalid:
      'This unsubscribe link is not valid. Open it again from the email, or change your settings in your account.',
  },
  nl: {
    title: 'Afmelden',
    confirm: (category: string) => `Geen ${category} van RentGuy meer ontvangen?`,
    button: 'Afmelden',
    done: (category: string) =>
      `Je ontvangt geen ${category} meer. E-mails over je boekingen en betalingen blijven komen.`,
    invalid:
      'Deze afmeldlink is niet geldig. Open hem opnieuw vanuit de e-mail, of wijzig je instellingen in je account.',
  },
} as const;

/**
 * The page behind an unsubscribe link. The GET only asks (mail scanners open links), the form POSTs
 * to the same URL, as RFC 8058 mail clients do; every value is escaped.
 */
export function unsubscribePage(
  locale: Locale,
  state: UnsubscribeState,
  category?: SwitchableCategory,
  actionUrl?: string,
): string {
  const copy = COPY[locale];
  const name = category ? CATEGORY_NAMES[locale][category] : '';
  let body: string;
  switch (state) {
    case 'confirm':
      body =
        `<p>${escapeHtml(copy.confirm(name))}</p>\n` +
        `<form method="post" action="${escapeHtml(actionUrl ?? '')}">` +
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
        `<button type="submit">${escapeHtml(copy.button)}</button></form>`;
      break;
    case 'done':
      body = `<p>${escapeHtml(copy.done(name))}</p>`;
      break;
    case 'invalid':
      body = `<p>${escapeHtml(copy.invalid)}</p>`;
      break;
  }
  return htmlLayout(locale, copy.title, `<h1>${escapeHtml(copy.title)}</h1>\n${body}`);
}
