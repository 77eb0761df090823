import { formatDate, formatDateTime, formatMoney, isTimeZone, nightsBetween } from './locale-format.util';

describe('formatMoney', () => {
  it('formats minor units in the currency of the amount', () => {
    expect(formatMoney(24000, 'EUR', 'en')).toBe('€240.00');
    expect(formatMoney(24000, 'EUR', 'nl')).toBe('€\u00a0240,00');
    expect(formatMoney(123456, 'USD', 'en')).toBe('US$1,234.56');
    expect(formatMoney(5, 'EUR', 'en')).toBe('€0.05');
    expect(formatMoney(0, 'GBP', 'en')).toBe('£0.00');
  });

  it('respects currencies without or with three minor digits', () => {
    expect(formatMoney(1500, 'JPY', 'en')).toBe('JP¥1,500');
    expect(formatMoney(1234, 'BHD', 'en')).toBe('BHD\u00a01.234');
  });

  it('keeps large amounts exact', () => {
    expect(formatMoney(9_007_199_254_740_991, 'EUR', 'en')).toBe('€90,071,992,547,409.91');
  });

  it('rejects amounts that are not whole minor units', () => {
    expect(() => formatMoney(10.5, 'EUR', 'en')).toThrow(RangeError);
  });
});

describe('formatDate', () => {
  it('prints the calendar date whatever the server time zone', () => {
    expect(formatDate('2026-01-01', 'en')).toBe('Thu, 1 January 2026');
    expect(formatDate('2026-01-01', 'nl')).toBe('do 1 januari 2026');
  });

  it('rejects a malformed date', () => {
    expect(() => formatDate('tomorrow', 'en')).toThrow(RangeError);
  });
});

describe('nightsBetween', () => {
  it('counts nights across a daylight-saving change', () => {
    expect(nightsBetween('2026-03-28', '2026-03-30')).toBe(2);
  });
});

describe('formatDateTime', () => {
  it('prints the instant in the given zone and names the zone', () => {
    expect(formatDateTime('2026-01-15T09:05:00Z', 'en', 'Europe/Amsterdam')).toBe(
      'Thu, 15 January 2026 at 10:05 CET',
    );
    expect(formatDateTime('2026-01-15T09:05:00+00:00', 'nl', 'UTC')).toBe('do 15 januari 2026 om 09:05 UTC');
  });

  it('rejects a malformed instant', () => {
    expect(() => formatDateTime('soon', 'en', 'UTC')).toThrow(RangeError);
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('gives the same answers when asked again (valid zones are remembered, invalid ones are not)', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(isTimeZone('America/New_York')).toBe(true);
      expect(isTimeZone('UTC')).toBe(true);
      expect(isTimeZone('Europe/Atlantis')).toBe(false);
      expect(isTimeZone('')).toBe(false);
    }
  });
});
