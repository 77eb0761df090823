import { z } from 'zod';
import type { Locale } from './email-template.model';
import type { EmailBlock } from './email-template';
import { formatDate, isTimeZone, nightsBetween } from './locale-format.util';

/** The words every email shares: the greeting, the team's signature and the labels of a stay. */
export interface CommonCopy {
  greeting: (name: string) => string;
  signature: string;
  checkIn: string;
  checkOut: string;
  nights: (n: number) => string;
  reference: string;
  /** Why a non-transactional message came, above its unsubscribe link. */
  unsubscribeReason: string;
  unsubscribe: string;
}

export const COMMON_COPY: Readonly<Record<Locale, CommonCopy>> = {
  en: {
    greeting: (name) => (name ? `Hi ${name},` : 'Hi,'),
    signature: 'The RentGuy team',
    checkIn: 'Check-in',
    checkOut: 'Check-out',
    nights: (n) => (n === 1 ? '1 night' : `${n} nights`),
    reference: 'Booking reference',
    unsubscribeReason:
      'You receive this email because of your RentGuy notification settings; transactional emails about bookings and payments keep coming.',
    unsubscribe: 'Unsubscribe',
  },
  nl: {
    greeting: (name) => (name ? `Hoi ${name},` : 'Hoi,'),
    signature: 'Het RentGuy-team',
    checkIn: 'Inchecken',
    checkOut: 'Uitchecken',
    nights: (n) => (n === 1 ? '1 nacht' : `${n} nachten`),
    reference: 'Boekingsnummer',
    unsubscribeReason:
      'Je ontvangt deze e-mail door je RentGuy-meldingsinstellingen; e-mails over boekingen en betalingen blijven komen.',
    unsubscribe: 'Afmelden',
  },
};

/** Payload fields several templates share, so a booking reads the same in every email. */
export const payloadFields = {
  bookingId: z.uuid(),
  name: z.string(),
  title: z.string(),
  date: z.iso.date(),
  instant: z.iso.datetime({ offset: true }),
  amount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** IANA zone deadlines are shown in; UTC until the recipient directory knows better. */
  timeZone: z.string().refine(isTimeZone, 'not a known IANA time zone').default('UTC'),
};

/** The check-in and check-out rows of a stay, with the number of nights. */
export function stayRows(stay: { checkIn: string; checkOut: string }, locale: Locale): [string, string][] {
  const copy = COMMON_COPY[locale];
  const nights = copy.nights(nightsBetween(stay.checkIn, stay.checkOut));
  return [
    [copy.checkIn, formatDate(stay.checkIn, locale)],
    [copy.checkOut, `${formatDate(stay.checkOut, locale)} (${nights})`],
  ];
}

/** The closing block: an optional line of its own, then the team's signature. */
export function signoff(locale: Locale, closing?: string): EmailBlock {
  const { signature } = COMMON_COPY[locale];
  return { kind: 'signoff', lines: closing ? [closing, signature] : [signature] };
}
