import { ErrorCode } from '@rentguy/contracts';
import { nightsBetween, utcToday, validateStay } from './stay.policy';

const today = '2027-03-10';
const property = { maxGuests: 4 };

function rejection(run: () => unknown): { code: ErrorCode; details?: Record<string, unknown> } {
  try {
    run();
  } catch (error) {
    return error as { code: ErrorCode; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}

describe('validateStay', () => {
  it('returns the number of nights of a valid stay', () => {
    expect(validateStay({ checkIn: '2027-03-10', checkOut: '2027-03-13', guests: 4 }, property, today)).toBe(
      3,
    );
  });

  it('counts nights across a month end and a leap day', () => {
    expect(nightsBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(nightsBetween('2027-12-31', '2028-01-01')).toBe(1);
  });

  it.each([
    ['checkOut equal to checkIn', { checkIn: '2027-03-12', checkOut: '2027-03-12', guests: 1 }, 'checkOut'],
    ['checkOut before checkIn', { checkIn: '2027-03-12', checkOut: '2027-03-11', guests: 1 }, 'checkOut'],
    ['checkIn yesterday', { checkIn: '2027-03-09', checkOut: '2027-03-11', guests: 1 }, 'checkIn'],
    ['366 nights', { checkIn: '2027-03-10', checkOut: '2028-03-10', guests: 1 }, 'checkOut'],
    ['more guests than beds', { checkIn: '2027-03-10', checkOut: '2027-03-11', guests: 5 }, 'guests'],
    ['no guests', { checkIn: '2027-03-10', checkOut: '2027-03-11', guests: 0 }, 'guests'],
    ['an impossible date', { checkIn: '2027-02-30', checkOut: '2027-03-11', guests: 1 }, 'checkIn'],
  ])('rejects %s', (_name, stay, field) => {
    const error = rejection(() => validateStay(stay, property, today));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details?.['field']).toBe(field);
  });

  it("enforces the property's minimum and maximum nights, saying which", () => {
    const rules = { maxGuests: 4, minNights: 3, maxNights: 7 };
    const short = rejection(() =>
      validateStay({ checkIn: '2027-03-10', checkOut: '2027-03-12', guests: 1 }, rules, today),
    );
    expect(short).toMatchObject({
      code: ErrorCode.ValidationFailed,
      details: { field: 'checkOut', minNights: 3 },
    });
    const long = rejection(() =>
      validateStay({ checkIn: '2027-03-10', checkOut: '2027-03-18', guests: 1 }, rules, today),
    );
    expect(long).toMatchObject({ details: { field: 'checkOut', maxNights: 7 } });
    expect(validateStay({ checkIn: '2027-03-10', checkOut: '2027-03-13', guests: 1 }, rules, today)).toBe(3);
    expect(validateStay({ checkIn: '2027-03-10', checkOut: '2027-03-17', guests: 1 }, rules, today)).toBe(7);
  });

  it('accepts exactly 365 nights', () => {
    expect(validateStay({ checkIn: '2027-03-10', checkOut: '2028-03-09', guests: 1 }, property, today)).toBe(
      365,
    );
  });

  it('uses the UTC date as today', () => {
    expect(utcToday(new Date('2027-03-10T23:30:00-05:00'))).toBe('2027-03-11');
  });
});
