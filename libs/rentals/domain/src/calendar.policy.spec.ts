import { DomainError } from '@rentguy/contracts';
import { addDays, calendarDays, validateCalendarRange } from './calendar.policy';

describe('calendar policy', () => {
  it('marks booked and blocked nights and leaves the rest available, departure day included', () => {
    const days = calendarDays('2030-03-30', '2030-04-04', [
      { kind: 'booking', from: '2030-03-28', to: '2030-03-31' },
      { kind: 'block', from: '2030-04-02', to: '2030-04-03' },
    ]);
    expect(days).toEqual([
      { date: '2030-03-30', status: 'booked' },
      { date: '2030-03-31', status: 'available' },
      { date: '2030-04-01', status: 'available' },
      { date: '2030-04-02', status: 'blocked' },
      { date: '2030-04-03', status: 'available' },
    ]);
  });

  it('crosses month and leap-day boundaries in UTC', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2028-02-29', 1)).toBe('2028-03-01');
    expect(addDays('2030-12-31', 1)).toBe('2031-01-01');
  });

  it('refuses an empty, reversed or too long range, naming the field', () => {
    for (const [from, to] of [
      ['2030-01-02', '2030-01-02'],
      ['2030-01-03', '2030-01-02'],
      ['2030-01-01', '2031-01-03'],
    ] as const) {
      expect(() => validateCalendarRange(from, to)).toThrow(DomainError);
    }
    expect(() => validateCalendarRange('2030-02-30', '2030-03-02')).toThrow('from is not a calendar date');
  });
});
