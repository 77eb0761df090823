/** Languages the emails are written in; events carry one, English is the fallback. */
export const LOCALES = ['en', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** One email, ready for the transport. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}
