import { formatDate, formatMoney, nightsBetween } from './locale-format.util';

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
