import { DomainError, ErrorCode } from '@rentguy/contracts';
import { nightsBetween } from './stay.policy';

const DAY_MS = 86_400_000;

/** A day of a property's public calendar; never who booked it. */
export type DayStatus = 'available' | 'booked' | 'blocked';

/** A taken range `[from, to)` of a calendar and by what. */
export interface TakenRange {
  kind: 'booking' | 'block';
  from: string;
  to: string;
}

/** The longest range one availability read or one block covers. */
export const MAX_CALENDAR_DAYS = 366;

/** `isoDate` moved by `days` (UTC calendar arithmetic). */
export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Checks a calendar range `[from, to)`: at least a day, at most `MAX_CALENDAR_DAYS`; returns its
 * length in days. Each refusal names the field.
 */
export function validateCalendarRange(from: string, to: string): number {
  const days = nightsBetween(from, to, ['from', 'to']);
  if (days < 1) {
    throw new DomainError(ErrorCode.ValidationFailed, 'to must be after from', { field: 'to' });
  }
  if (days > MAX_CALENDAR_DAYS) {
    throw new DomainError(ErrorCode.ValidationFailed, `a range covers at most ${MAX_CALENDAR_DAYS} days`, {
      field: 'to',
    });
  }
  return days;
}

/** Each day of `[from, to)` with its status: a booking's night is `booked`, a block's `blocked`. */
export function calendarDays(
  from: string,
  to: string,
  taken: readonly TakenRange[],
): { date: string; status: DayStatus }[] {
  const days = validateCalendarRange(from, to);
  const statuses = new Map<string, DayStatus>();
  for (const range of taken) {
    for (let day = range.from; day < range.to; day = addDays(day, 1)) {
      if (day >= from && day < to) {
        statuses.set(day, range.kind === 'booking' ? 'booked' : 'blocked');
      }
    }
  }
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(from, i);
    return { date, status: statuses.get(date) ?? 'available' };
  });
}
