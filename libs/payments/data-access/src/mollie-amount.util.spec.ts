import { minorUnitsOf, mollieAmountOf } from './mollie-amount.util';

describe('mollieAmountOf', () => {
  it.each<[number, string, string]>([
    [36000, 'EUR', '360.00'],
    [1999, 'EUR', '19.99'],
    [5, 'EUR', '0.05'],
    [0, 'EUR', '0.00'],
    [50, 'eur', '0.50'],
    [500, 'JPY', '500'],
    [0, 'JPY', '0'],
    [1234, 'KWD', '1.234'],
    [7, 'BHD', '0.007'],
    [99999999, 'GBP', '999999.99'],
    [100, 'ISK', '100'],
  ])('formats %d %s as "%s"', (amount, currency, value) => {
    expect(mollieAmountOf(amount, currency)).toEqual({ currency: currency.toUpperCase(), value });
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('refuses %d minor units', (amount) => {
    expect(() => mollieAmountOf(amount, 'EUR')).toThrow(RangeError);
  });
});

describe('minorUnitsOf', () => {
  it.each<[string, string, number]>([
    ['EUR', '360.00', 36000],
    ['EUR', '0.05', 5],
    ['JPY', '500', 500],
    ['KWD', '1.234', 1234],
  ])('reads %s "%s" as %d', (currency, value, units) => {
    expect(minorUnitsOf({ currency, value })).toBe(units);
  });

  it.each<[string, string]>([
    ['EUR', '360'],
    ['EUR', '360.0'],
    ['EUR', '360.001'],
    ['JPY', '500.00'],
    ['EUR', '-1.00'],
    ['EUR', '1e3'],
  ])('refuses %s "%s"', (currency, value) => {
    expect(minorUnitsOf({ currency, value })).toBeNull();
  });

  it('round-trips every amount it formats', () => {
    for (const currency of ['EUR', 'JPY', 'KWD']) {
      for (const amount of [0, 1, 9, 10, 99, 100, 101, 12345, 99999999]) {
        expect(minorUnitsOf(mollieAmountOf(amount, currency))).toBe(amount);
      }
    }
  });
});
