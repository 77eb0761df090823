import escapeHtml from 'escape-html';
import { z } from 'zod';
import type { Locale, RenderedEmail } from './email-template.model';
import { htmlLayout, subjectLine } from './email-layout';
import { formatDate, formatMoney, nightsBetween } from './locale-format.util';

/** What the booking confirmation needs, as stored in the delivery ledger. */
export const bookingConfirmedPayloadSchema = z.object({
  bookingId: z.uuid(),
  guestName: z.string(),
  propertyTitle: z.string(),
  checkIn: z.iso.date(),
  checkOut: z.iso.date(),
  totalAmount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});
export type BookingConfirmedPayload = z.infer<typeof bookingConfirmedPayloadSchema>;

interface Copy {
  subject: (title: string) => string;
  greeting: (name: string) => string;
  intro: (title: string) => string;
  checkIn: string;
  checkOut: string;
  nights: (n: number) => string;
  total: string;
  reference: string;
  closing: string;
  signature: string;
}

const COPY: Readonly<Record<Locale, Copy>> = {
  en: {
    subject: (title) => `Your booking at ${title} is confirmed`,
    greeting: (name) => (name ? `Hi ${name},` : 'Hi,'),
    intro: (title) => `Good news: your stay at ${title} is confirmed and paid.`,
    checkIn: 'Check-in',
    checkOut: 'Check-out',
    nights: (n) => (n === 1 ? '1 night' : `${n} nights`),
    total: 'Total paid',
    reference: 'Booking reference',
    closing: 'Have a great stay!',
    signature: 'The RentGuy team',
  },
  nl: {
    subject: (title) => `Je boeking bij ${title} is bevestigd`,
    greeting: (name) => (name ? `Hoi ${name},` : 'Hoi,'),
    intro: (title) => `Goed nieuws: je verblijf bij ${title} is bevestigd en betaald.`,
    checkIn: 'Inchecken',
    checkOut: 'Uitchecken',
    nights: (n) => (n === 1 ? '1 nacht' : `${n} nachten`),
    total: 'Totaal betaald',
    reference: 'Boekingsnummer',
    closing: 'Een fijn verblijf gewenst!',
    signature: 'Het RentGuy-team',
  },
};

/** Subject only: the ledger stores it at the moment the delivery is recorded. */
export function bookingConfirmedSubject(payload: BookingConfirmedPayload, locale: Locale): string {
  return subjectLine(COPY[locale].subject(payload.propertyTitle));
}

/** The confirmation a guest receives once their booking is paid. */
export function renderBookingConfirmed(payload: BookingConfirmedPayload, locale: Locale): RenderedEmail {
  const copy = COPY[locale];
  const nights = copy.nights(nightsBetween(payload.checkIn, payload.checkOut));
  const rows: [string, string][] = [
    [copy.checkIn, formatDate(payload.checkIn, locale)],
    [copy.checkOut, `${formatDate(payload.checkOut, locale)} (${nights})`],
    [copy.total, formatMoney(payload.totalAmount, payload.currency, locale)],
    [copy.reference, payload.bookingId],
  ];
  const text = [
    copy.greeting(payload.guestName),
    '',
    copy.intro(payload.propertyTitle),
    '',
    ...rows.map(([label, value]) => `${label}: ${value}`),
    '',
    copy.closing,
    copy.signature,
    '',
  ].join('\n');
  const subject = bookingConfirmedSubject(payload, locale);
  const body = [
    `<p>${escapeHtml(copy.greeting(payload.guestName))}</p>`,
    `<p>${escapeHtml(copy.intro(payload.propertyTitle))}</p>`,
    '<table role="presentation" style="border-collapse:collapse;width:100%">',
    ...rows.map(
      ([label, value]) =>
        `<tr><td style="padding:6px 12px 6px 0;color:#52525b">${escapeHtml(label)}</td>` +
        `<td style="padding:6px 0;font-weight:bold">${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
    `<p>${escapeHtml(copy.closing)}<br>${escapeHtml(copy.signature)}</p>`,
  ].join('\n');
  return { subject, text, html: htmlLayout(locale, subject, body) };
}
