import ICAL from 'ical.js';
import { addDays } from '@rentguy/rentals/domain';

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

/**
 * The busy events of an iCal feed, as whole days `[from, to)`: cancelled and transparent (free)
 * events are left out; an event that ends during a day takes that day too; an event without an end
 * takes its start day. Recurring events count with their first occurrence only.
 * @throws Error when the text is not iCalendar or holds more than `MAX_FEED_EVENTS` events.
 */
export function parseBusyEvents(text: string): BusyEvent[] {
  const parsed: unknown = ICAL.parse(text);
  // A file of several calendars parses to a list of them.
  const roots = (Array.isArray(parsed) && typeof parsed[0] !== 'string' ? parsed : [parsed]) as unknown[];
  const events: BusyEvent[] = [];
  for (const root of roots) {
    const calendar = new ICAL.Component(root as unknown[]);
    if (calendar.name !== 'vcalendar') {
      throw new Error('not an iCalendar (VCALENDAR) document');
    }
    const components = calendar.getAllSubcomponents('vevent');
    if (events.length + components.length > MAX_FEED_EVENTS) {
      throw new Error(`more than ${MAX_FEED_EVENTS} events`);
    }
    for (const component of components) {
      const event = new ICAL.Event(component);
      const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
      const transparency = String(component.getFirstPropertyValue('transp') ?? '').toUpperCase();
      if (!event.uid || !event.startDate || status === 'CANCELLED' || transparency === 'TRANSPARENT') {
        continue;
      }
      const from = dateOf(event.startDate);
      const end = event.endDate;
      let to = end ? dateOf(end) : from;
      if (end && !end.isDate && (end.hour !== 0 || end.minute !== 0 || end.second !== 0)) {
        to = addDays(to, 1);
      }
      if (to <= from) {
        to = addDays(from, 1);
      }
      events.push({ uid: event.uid, from, to });
    }
  }
  return events;
}
