import type { Locale } from './email-template.model';

// en-GB rather than en-US: day-month dates and "US$" for dollars read unambiguously to a European audience.
const INTL_LOCALE: Readonly<Record<Locale, string>> = { en: 'en-GB', nl: 'nl-NL' };

// Building an Intl formatter costs far more than formatting with one: each is built once per
// locale and currency or time zone, and kept (at most two locales × the ISO currencies or the
// IANA time zones the payloads were validated against).
const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** How a day is written in every email: "Fri, 5 June 2026". */
const DAY_PARTS: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
};

function kept<F>(cache: Map<string, F>, key: string, build: () => F): F {
  let format = cache.get(key);
  if (format === undefined) {
    format = build();
    cache.set(key, format);
  }
  return format;
}

/**
 * Formats integer minor units (cents) as a currency amount, e.g. 24000 EUR → "€240.00" (en) or
 * "€ 240,00" (nl). The decimal is built as a string so large amounts never pass through a float.
 */
export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`amount must be an integer number of minor units, got ${amountMinor}`);
  }
  const format = kept(
    moneyFormats,
    `${locale} ${currency}`,
    () => new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency }),
  );
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const sign = amountMinor < 0 ? '-' : '';
  const units = Math.abs(amountMinor)
    .toString()
    .padStart(digits + 1, '0');
  const decimal = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  // Intl formats decimal strings exactly (no binary rounding on the way).
  return format.format(`${sign}${decimal}` as Intl.StringNumericLiteral);
}

/** Formats an ISO calendar date (YYYY-MM-DD) without shifting it through the server's time zone. */
export function formatDate(isoDate: string, locale: Locale): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`not an ISO date: ${isoDate}`);
  }
  return kept(
    dateTimeFormats,
    `${locale} date`,
    () => new Intl.DateTimeFormat(INTL_LOCALE[locale], { ...DAY_PARTS, timeZone: 'UTC' }),
  ).format(date);
}

/** Number of nights between two ISO dates (check-out exclusive). */
export function nightsBetween(checkIn: string, checkOut: string): number {
  return Math.round((Date.parse(`${checkOut}T00:00:00Z`) - Date.parse(`${checkIn}T00:00:00Z`)) / 86_400_000);
}

/**
 * Formats an instant (ISO date-time with offset) in `timeZone`, naming the zone so a deadline such as
 * a hold's pay-before time cannot be misread, e.g. "Fri, 5 June 2026 at 14:30 CEST".
 */
export function formatDateTime(isoDateTime: string, locale: Locale, timeZone: string): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) {
    throw new RangeError(`not an ISO date-time: ${isoDateTime}`);
  }
  return kept(
    dateTimeFormats,
    `${locale} date-time ${timeZone}`,
    () =>
      new Intl.DateTimeFormat(INTL_LOCALE[locale], {
        ...DAY_PARTS,
        hour: '2-digit',
        minute: '2-digit',
        timeZone,
        timeZoneName: 'short',
      }),
  ).format(date);
}

/** Zones already found valid: building a formatter to find out costs more than rendering an email. */
const knownTimeZones = new Set<string>();

/** True for an IANA time zone this runtime can format in (e.g. "Europe/Amsterdam", "UTC"). */
export function isTimeZone(timeZone: string): boolean {
  if (knownTimeZones.has(timeZone)) {
    return true;
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    return false;
  }
  // Only valid zones are kept (a few hundred at most), so bad input cannot grow the set.
  knownTimeZones.add(timeZone);
  return true;
}
