import ICAL from 'ical.js';
import { addDays, utcToday } from '@rentguy/rentals/domain';

/** A busy range of a calendar `[from, to)` in whole days, with the UID that names it. */
export interface BusyEvent {
  uid: string;
  from: string;
  to: string;
}

/** Events a feed may hold before it is refused as unreasonable. */
export const MAX_FEED_EVENTS = 5_000;

/**
 * A property's calendar as an RFC 5545 VCALENDAR (ical.js writes it: CRLF lines, folding, escaping):
 * one all-day, opaque VEVENT per taken range, summarised as "Booked" or "Blocked", with no guest data.
 */
export function exportCalendar(
  name: string,
  events: readonly (BusyEvent & { summary: string })[],
  now: Date = new Date(),
): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', '-//RentGuy//Calendar 1.0//EN');
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('calscale', 'GREGORIAN');
  calendar.updatePropertyWithValue('method', 'PUBLISH');
  calendar.updatePropertyWithValue('x-wr-calname', name);
  const stamp = ICAL.Time.fromJSDate(now, true);
  for (const event of events) {
    const component = new ICAL.Component('vevent');
    component.updatePropertyWithValue('uid', event.uid);
    component.updatePropertyWithValue('dtstamp', stamp);
    component.updatePropertyWithValue('dtstart', ICAL.Time.fromDateString(event.from));
    component.updatePropertyWithValue('dtend', ICAL.Time.fromDateString(event.to));
    component.updatePropertyWithValue('summary', event.summary);
    component.updatePropertyWithValue('transp', 'OPAQUE');
    calendar.addSubcomponent(component);
  }
  return calendar.toString() + '\r\n';
}

/** The calendar date of an ical.js time (a DATE as is; a DATE-TIME in its own zone). */
function dateOf(time: ICAL.Time): string {
  return time.toString().slice(0, 10);
}

/** Cancelled and transparent (free) events, or occurrences, take no days. */
function isBusy(component: ICAL.Component): boolean {
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
  const transparency = String(component.getFirstPropertyValue('transp') ?? '').toUpperCase();
  return status !== 'CANCELLED' && transparency !== 'TRANSPARENT';
}

/** The whole days `[from, to)` a start and an end take: an end during a day takes that day. */
function wholeDays(start: ICAL.Time, end: ICAL.Time | null): { from: string; to: string } {
  const from = dateOf(start);
  let to = end ? dateOf(end) : from;
  if (end && !end.isDate && (end.hour !== 0 || end.minute !== 0 || end.second !== 0)) {
    to = addDays(to, 1);
  }
  if (to <= from) {
    to = addDays(from, 1);
  }
  return { from, to };
}

/** How far ahead a recurring event is expanded: nobody books further out. */
const RECURRENCE_HORIZON_YEARS = 2;
/**
 * Steps ical.js may take expanding a feed's rules, past occurrences included (they are walked to
 * reach today): a minutely rule started decades ago must be refused, not expanded for minutes.
 */
export const MAX_RECURRENCE_STEPS = 50_000;

/**
 * The busy events of an iCal feed, as whole days `[from, to)`: cancelled and transparent (free)
 * events are left out; an event that ends during a day takes that day too; an event without an end
 * takes its start day. A recurring event (RRULE/RDATE, less EXDATE, with RECURRENCE-ID overrides
 * replacing their occurrence) counts with each occurrence from `now`'s day up to two years ahead,
 * each its own event of UID `${uid}#${date of the occurrence's original start}`.
 * @throws Error when the text is not iCalendar, holds more than `MAX_FEED_EVENTS` events (every
 *   occurrence counts) or its rules take more than `MAX_RECURRENCE_STEPS` steps to expand.
 */
export function parseBusyEvents(text: string, now: Date = new Date()): BusyEvent[] {
  const today = utcToday(now);
  const horizonDay = new Date(now);
  horizonDay.setUTCFullYear(horizonDay.getUTCFullYear() + RECURRENCE_HORIZON_YEARS);
  const horizon = utcToday(horizonDay);
  const parsed: unknown = ICAL.parse(text);
  // A file of several calendars parses to a list of them.
  const roots = (Array.isArray(parsed) && typeof parsed[0] !== 'string' ? parsed : [parsed]) as unknown[];
  const events: BusyEvent[] = [];
  const add = (event: BusyEvent): void => {
    if (events.length >= MAX_FEED_EVENTS) {
      throw new Error(`more than ${MAX_FEED_EVENTS} events`);
    }
    events.push(event);
  };
  let steps = 0;
  for (const root of roots) {
    const calendar = new ICAL.Component(root as unknown[]);
    if (calendar.name !== 'vcalendar') {
      throw new Error('not an iCalendar (VCALENDAR) document');
    }
    const components = calendar.getAllSubcomponents('vevent');
    if (events.length + components.length > MAX_FEED_EVENTS) {
      throw new Error(`more than ${MAX_FEED_EVENTS} events`);
    }
    const overrides = new Map<string, ICAL.Component[]>();
    const series = new Set<string>();
    for (const component of components) {
      const uid = String(component.getFirstPropertyValue('uid') ?? '');
      if (component.hasProperty('recurrence-id')) {
        overrides.set(uid, [...(overrides.get(uid) ?? []), component]);
      } else {
        series.add(uid);
      }
    }
    for (const component of components) {
      // Exceptions are related to their own series only (ical.js would relate every one it finds).
      const event = new ICAL.Event(component, { strictExceptions: true, exceptions: [] });
      if (!event.uid || !event.startDate) {
        continue;
      }
      if (event.isRecurrenceException()) {
        // An override whose series is not in the feed stands for its one occurrence.
        if (!series.has(event.uid) && isBusy(component)) {
          add({
            uid: `${event.uid}#${dateOf(event.recurrenceId)}`,
            ...wholeDays(event.startDate, event.endDate),
          });
        }
        continue;
      }
      if (!event.isRecurring()) {
        if (isBusy(component)) {
          add({ uid: event.uid, ...wholeDays(event.startDate, event.endDate) });
        }
        continue;
      }
      for (const override of overrides.get(event.uid) ?? []) {
        event.relateException(override);
      }
      const iterator = event.iterator();
      for (let next = iterator.next(); next && dateOf(next) < horizon; next = iterator.next()) {
        steps += 1;
        if (steps > MAX_RECURRENCE_STEPS) {
          throw new Error(`recurring events of more than ${MAX_RECURRENCE_STEPS} occurrences`);
        }
        const occurrence = event.getOccurrenceDetails(next);
        const days = wholeDays(occurrence.startDate, occurrence.endDate);
        // Days already past are of no use to a booking.
        if (days.to > today && isBusy(occurrence.item.component)) {
          add({ uid: `${event.uid}#${dateOf(next)}`, ...days });
        }
      }
    }
  }
  return events;
}
