import { DomainError, ErrorCode } from '@rentguy/contracts';

export const MAX_STAY_NIGHTS = 365;
const DAY_MS = 86_400_000;

export interface StayRequest {
  /** ISO date, first night. */
  checkIn: string;
  /** ISO date, departure day (not a night of the stay). */
  checkOut: string;
  guests: number;
}

/** Today's date in UTC as `YYYY-MM-DD`: the day boundary every check-in is compared with. */
export function utcToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function epochDay(isoDate: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  // Date.UTC rolls 2027-02-30 over into March; a round trip catches such dates.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== isoDate) {
    throw new DomainError(ErrorCode.ValidationFailed, `${field} is not a calendar date`, { field });
  }
  return ms / DAY_MS;
}

/** Nights of the stay `[checkIn, checkOut)`; a bad date is reported under its field's name. */
export function nightsBetween(
  checkIn: string,
  checkOut: string,
  fields: readonly [string, string] = ['checkIn', 'checkOut'],
): number {
  return epochDay(checkOut, fields[1]) - epochDay(checkIn, fields[0]);
}

/** What a property allows of a stay; a property without a rule of its own allows 1 to 365 nights. */
export interface StayRules {
  maxGuests: number;
  minNights?: number;
  maxNights?: number;
}

/**
 * Checks a requested stay against the calendar and the property's rules; returns the number of
 * nights. Every refusal names the `field` and says why. Availability is not checked here: the
 * database's exclusion constraint decides that.
 */
export function validateStay(stay: StayRequest, property: StayRules, today: string = utcToday()): number {
  const nights = nightsBetween(stay.checkIn, stay.checkOut);
  if (nights < 1) {
    throw new DomainError(ErrorCode.ValidationFailed, 'checkOut must be after checkIn', {
      field: 'checkOut',
    });
  }
  if (nights > MAX_STAY_NIGHTS) {
    throw new DomainError(ErrorCode.ValidationFailed, `a stay lasts at most ${MAX_STAY_NIGHTS} nights`, {
      field: 'checkOut',
      nights,
    });
  }
  if (property.minNights !== undefined && nights < property.minNights) {
    throw new DomainError(
      ErrorCode.ValidationFailed,
      `this property is let for at least ${property.minNights} nights`,
      { field: 'checkOut', nights, minNights: property.minNights },
    );
  }
  if (property.maxNights !== undefined && nights > property.maxNights) {
    throw new DomainError(
      ErrorCode.ValidationFailed,
      `this property is let for at most ${property.maxNights} nights`,
      { field: 'checkOut', nights, maxNights: property.maxNights },
    );
  }
  if (stay.checkIn < today) {
    throw new DomainError(ErrorCode.ValidationFailed, 'checkIn is in the past', { field: 'checkIn', today });
  }
  if (!Number.isInteger(stay.guests) || stay.guests < 1) {
    throw new DomainError(ErrorCode.ValidationFailed, 'at least one guest is required', { field: 'guests' });
  }
  if (stay.guests > property.maxGuests) {
    throw new DomainError(ErrorCode.ValidationFailed, `this property sleeps at most ${property.maxGuests}`, {
      field: 'guests',
      maxGuests: property.maxGuests,
    });
  }
  return nights;
}
