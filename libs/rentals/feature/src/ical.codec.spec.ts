import { exportCalendar, parseBusyEvents } from './ical.codec';

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
});
