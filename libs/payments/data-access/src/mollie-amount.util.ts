/** Mollie's amount: the currency in upper case and the value as a decimal string (`"10.00"`). */
export interface MollieAmount {
  currency: string;
  value: string;
}

/** ISO 4217 minor-unit digits of a currency (JPY 0, EUR 2, KWD 3), as ICU knows them. */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions()
      .maximumFractionDigits ?? 2
  );
}

/**
 * Integer minor units as Mollie's `{currency, value}`, by string arithmetic (no floating point can
 * turn 1999 into "19.989999"): 1999 EUR → "19.99", 500 JPY → "500", 1234 KWD → "1.234".
 */
export function mollieAmountOf(amount: number, currency: string): MollieAmount {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`amount must be a non-negative integer of minor units, got ${amount}`);
  }
  const digits = currencyDigits(currency);
  const units = String(amount).padStart(digits + 1, '0');
  const whole = units.slice(0, units.length - digits);
  const value = digits === 0 ? whole : `${whole}.${units.slice(units.length - digits)}`;
  return { currency: currency.toUpperCase(), value };
}

/**
 * Mollie's `{currency, value}` back in integer minor units; null when the value does not have exactly
 * the currency's digits (Mollie always sends them), so a sum we cannot read is never taken for ours.
 */
export function minorUnitsOf(amount: MollieAmount): number | null {
  const digits = currencyDigits(amount.currency);
  const pattern = digits === 0 ? /^(\d+)$/ : new RegExp(`^(\\d+)\\.(\\d{${digits}})$`);
  const match = pattern.exec(amount.value);
  if (!match) {
    return null;
  }
  const units = Number(`${match[1]}${match[2] ?? ''}`);
  return Number.isSafeInteger(units) ? units : null;
}
