import { exportCalendar, MAX_FEED_EVENTS, MAX_RECURRENCE_STEPS, parseBusyEvents } from './ical.codec';

/** A feed of the given VEVENTs, each a list of its property lines. */
function feedOf(...events: string[][]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Other//EN',
    ...events.flatMap((lines) => ['BEGIN:VEVENT', 'DTSTAMP:20300101T000000Z', ...lines, 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

/** A weekend (Saturday to Monday) from Saturday 5 January 2030, repeating by `rule`. */
const weekends = (uid: string, ...rule: string[]) => [
  `UID:${uid}`,
  'DTSTART;VALUE=DATE:20300105',
  'DTEND;VALUE=DATE:20300107',
  ...rule,
];
const NEW_YEAR = new Date('2030-01-01T12:00:00Z');

describe('iCal codec', () => {
  it('writes RFC 5545 lines (CRLF, VERSION, PRODID, DTSTAMP in UTC, all-day dates) and reads them back', () => {
    const text = exportCalendar(
      'Canal house',
      [
        { uid: 'a@rentguy', from: '2030-05-01', to: '2030-05-04', summary: 'Booked' },
        { uid: 'b@rentguy', from: '2030-05-10', to: '2030-05-11', summary: 'Blocked' },
      ],
      new Date('2030-01-02T03:04:05Z'),
    );
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(
      text
        .split('\r\n')
        .filter(Boolean)
        .every((line) => !line.includes('\n')),
    ).toBe(true);
    expect(text).toContain('VERSION:2.0\r\n');
    expect(text).toContain('PRODID:-//RentGuy//Calendar 1.0//EN\r\n');
    expect(text).toContain('DTSTAMP:20300102T030405Z\r\n');
    expect(text).toContain('DTSTART;VALUE=DATE:20300501\r\n');
    expect(text).toContain('DTEND;VALUE=DATE:20300504\r\n');
    expect(parseBusyEvents(text)).toEqual([
      { uid: 'a@rentguy', from: '2030-05-01', to: '2030-05-04' },
      { uid: 'b@rentguy', from: '2030-05-10', to: '2030-05-11' },
    ]);
  });

  it('skips cancelled and free events, rounds timed ends up to the next day, gives an endless event its day', () => {
    const feed = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Other//EN',
      'BEGIN:VEVENT',
      'UID:timed',
      'DTSTAMP:20300101T000000Z',
      'DTSTART:20300601T150000Z',
      'DTEND:20300603T110000Z',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:no-end',
      'DTSTAMP:20300101T000000Z',
      'DTSTART;VALUE=DATE:20300610',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:cancelled',
      'DTSTAMP:20300101T000000Z',
      'DTSTART;VALUE=DATE:20300620',
      'DTEND;VALUE=DATE:20300622',
      'STATUS:CANCELLED',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:free',
      'DTSTAMP:20300101T000000Z',
      'DTSTART;VALUE=DATE:20300625',
      'DTEND;VALUE=DATE:20300626',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    expect(parseBusyEvents(feed)).toEqual([
      { uid: 'timed', from: '2030-06-01', to: '2030-06-04' },
      { uid: 'no-end', from: '2030-06-10', to: '2030-06-11' },
    ]);
  });

  it('refuses what is not iCalendar', () => {
    expect(() => parseBusyEvents('<html>hello</html>')).toThrow();
  });

  describe('recurring events', () => {
    it('expands a weekly rule with COUNT into one event per occurrence, keyed by UID and date', () => {
      expect(parseBusyEvents(feedOf(weekends('w', 'RRULE:FREQ=WEEKLY;COUNT=3')), NEW_YEAR)).toEqual([
        { uid: 'w#2030-01-05', from: '2030-01-05', to: '2030-01-07' },
        { uid: 'w#2030-01-12', from: '2030-01-12', to: '2030-01-14' },
        { uid: 'w#2030-01-19', from: '2030-01-19', to: '2030-01-21' },
      ]);
    });

    it('ends a rule at its UNTIL, that day included', () => {
      const events = parseBusyEvents(feedOf(weekends('w', 'RRULE:FREQ=WEEKLY;UNTIL=20300126')), NEW_YEAR);
      expect(events.map((event) => event.from)).toEqual([
        '2030-01-05',
        '2030-01-12',
        '2030-01-19',
        '2030-01-26',
      ]);
    });

    it('expands an unbounded rule from today (an occurrence under way included) up to two years ahead', () => {
      const feed = feedOf([
        'UID:every-weekend',
        'DTSTART;VALUE=DATE:20290602',
        'DTEND;VALUE=DATE:20290604',
        'RRULE:FREQ=WEEKLY',
      ]);
      const events = parseBusyEvents(feed, new Date('2029-12-30T10:00:00Z'));
      expect(events).toHaveLength(105);
      expect(events[0]).toEqual({ uid: 'every-weekend#2029-12-29', from: '2029-12-29', to: '2029-12-31' });
      expect(events.at(-1)).toEqual({
        uid: 'every-weekend#2031-12-27',
        from: '2031-12-27',
        to: '2031-12-29',
      });
    });

    it('leaves out the occurrences an EXDATE removes', () => {
      const feed = feedOf(weekends('w', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE;VALUE=DATE:20300112'));
      expect(parseBusyEvents(feed, NEW_YEAR).map((event) => event.uid)).toEqual([
        'w#2030-01-05',
        'w#2030-01-19',
      ]);
    });

    it('lets a RECURRENCE-ID override move its occurrence or cancel it, within its own series only', () => {
      const feed = feedOf(
        weekends('w', 'RRULE:FREQ=WEEKLY;COUNT=3'),
        weekends('other', 'RRULE:FREQ=WEEKLY;COUNT=2'),
        [
          'UID:w',
          'RECURRENCE-ID;VALUE=DATE:20300112',
          'DTSTART;VALUE=DATE:20300113',
          'DTEND;VALUE=DATE:20300116',
        ],
        [
          'UID:w',
          'RECURRENCE-ID;VALUE=DATE:20300119',
          'DTSTART;VALUE=DATE:20300119',
          'DTEND;VALUE=DATE:20300121',
          'STATUS:CANCELLED',
        ],
        [
          'UID:other',
          'RECURRENCE-ID;VALUE=DATE:20300105',
          'DTSTART;VALUE=DATE:20300105',
          'DTEND;VALUE=DATE:20300107',
          'TRANSP:TRANSPARENT',
        ],
      );
      expect(parseBusyEvents(feed, NEW_YEAR)).toEqual([
        { uid: 'w#2030-01-05', from: '2030-01-05', to: '2030-01-07' },
        { uid: 'w#2030-01-12', from: '2030-01-13', to: '2030-01-16' },
        { uid: 'other#2030-01-12', from: '2030-01-12', to: '2030-01-14' },
      ]);
      // An override without its series in the feed stands for its one occurrence.
      const lonely = feedOf([
        'UID:lonely',
        'RECURRENCE-ID;VALUE=DATE:20300201',
        'DTSTART;VALUE=DATE:20300202',
        'DTEND;VALUE=DATE:20300203',
      ]);
      expect(parseBusyEvents(lonely, NEW_YEAR)).toEqual([
        { uid: 'lonely#2030-02-01', from: '2030-02-02', to: '2030-02-03' },
      ]);
    });

    it('gives each occurrence of a timed rule its duration, an end past midnight taking that day', () => {
      const feed = feedOf([
        'UID:late',
        'DTSTART:20300104T220000Z',
        'DURATION:PT4H',
        'RRULE:FREQ=DAILY;INTERVAL=3;COUNT=2',
      ]);
      expect(parseBusyEvents(feed, NEW_YEAR)).toEqual([
        { uid: 'late#2030-01-04', from: '2030-01-04', to: '2030-01-06' },
        { uid: 'late#2030-01-07', from: '2030-01-07', to: '2030-01-09' },
      ]);
    });

    it(`refuses a feed whose occurrences pass ${MAX_FEED_EVENTS}, and a rule too long to expand`, () => {
      const hourly = feedOf([
        'UID:h',
        'DTSTART:20300101T000000Z',
        'DTEND:20300101T010000Z',
        'RRULE:FREQ=HOURLY',
      ]);
      expect(() => parseBusyEvents(hourly, NEW_YEAR)).toThrow(`more than ${MAX_FEED_EVENTS} events`);
      const minutely = feedOf(['UID:m', 'DTSTART:20000101T000000Z', 'DURATION:PT1M', 'RRULE:FREQ=MINUTELY']);
      expect(() => parseBusyEvents(minutely, NEW_YEAR)).toThrow(
        `more than ${MAX_RECURRENCE_STEPS} occurrences`,
      );
    });
  });
});
