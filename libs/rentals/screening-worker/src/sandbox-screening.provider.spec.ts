import { ageOn, SandboxScreeningProvider } from './sandbox-screening.provider';
import type { ScreeningResult } from './screening.provider';

const today = new Date('2025-06-15T12:00:00Z');
const provider = new SandboxScreeningProvider(() => today);
const screen = (
  fullName: string,
  dateOfBirth = '1990-04-02',
  idempotencyKey = 'application-1',
): Promise<ScreeningResult> => provider.screen({ applicant: { fullName, dateOfBirth }, idempotencyKey });

describe('SandboxScreeningProvider', () => {
  it('gives the same applicant the same result every time, whatever the spelling of the name', async () => {
    const first = await screen('Ada Lovelace');
    expect(await screen('Ada Lovelace')).toEqual(first);
    expect(await screen('  ada   LOVELACE ')).toEqual(first);
    // A new instance (another worker process) agrees too.
    expect(
      await new SandboxScreeningProvider(() => today).screen({
        applicant: { fullName: 'Ada Lovelace', dateOfBirth: '1990-04-02' },
        idempotencyKey: 'application-1',
      }),
    ).toEqual(first);
  });

  it('scores different applicants differently and covers every outcome', async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        screen(`Applicant Number ${i}`, `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`),
      ),
    );
    const outcomes = new Set(results.map((r) => r.outcome));
    expect(outcomes).toEqual(new Set(['approved', 'review', 'declined']));
    expect(new Set(results.map((r) => r.score)).size).toBeGreaterThan(50);
    for (const result of results) {
      expect(result.score).toBeGreaterThanOrEqual(0);
      expect(result.score).toBeLessThanOrEqual(100);
      expect(result.outcome === 'approved').toBe(result.reasons.length === 0);
    }
  });

  it('derives the outcome from the date of birth as well as the name', async () => {
    const dates = [
      '1970-01-01',
      '1980-02-02',
      '1990-03-03',
      '2000-04-04',
      '1965-05-05',
      '1985-06-06',
      '1995-07-07',
    ];
    const scores = await Promise.all(dates.map(async (dob) => (await screen('Grace Hopper', dob)).score));
    expect(new Set(scores).size).toBeGreaterThan(1);
  });

  it('declines names containing "decline" and sends names containing "review" to review', async () => {
    expect(await screen('Dee Decline')).toMatchObject({
      outcome: 'declined',
      reasons: ['sandbox_forced_decline'],
    });
    expect(await screen('Rita REVIEWER')).toMatchObject({
      outcome: 'review',
      reasons: ['sandbox_forced_review'],
    });
  });

  it('declines applicants under 18, even with a demo name', async () => {
    expect(await screen('Young Person', '2007-06-16')).toMatchObject({
      outcome: 'declined',
      reasons: ['applicant_under_18'],
    });
    expect(await screen('Rita Review', '2010-01-01')).toMatchObject({
      outcome: 'declined',
      reasons: ['applicant_under_18'],
    });
  });

  it('treats an 18th birthday as adult', async () => {
    const result = await screen('Young Person', '2007-06-15');
    expect(result.reasons).not.toContain('applicant_under_18');
  });

  it('sends an impossible date of birth to review', async () => {
    expect(await screen('Ada Lovelace', '1990-02-30')).toMatchObject({
      outcome: 'review',
      reasons: ['date_of_birth_invalid'],
    });
    expect(await screen('Ada Lovelace', '2030-01-01')).toMatchObject({
      outcome: 'review',
      reasons: ['date_of_birth_invalid'],
    });
  });

  it('returns a reference tied to the request, carrying no personal data', async () => {
    const a = await screen('Ada Lovelace', '1990-04-02', 'application-1');
    const b = await screen('Ada Lovelace', '1990-04-02', 'application-2');
    expect(a.reference).toMatch(/^sbx_[0-9a-f]{24}$/);
    expect(b.reference).not.toBe(a.reference);
    expect((await screen('Someone Else', '1970-01-01', 'application-1')).reference).toBe(a.reference);
  });
});

describe('ageOn', () => {
  it('counts completed years', () => {
    expect(ageOn('2000-06-15', today)).toBe(25);
    expect(ageOn('2000-06-16', today)).toBe(24);
    expect(ageOn('2000-02-29', new Date('2021-02-28T00:00:00Z'))).toBe(20);
    expect(ageOn('2000-02-29', new Date('2021-03-01T00:00:00Z'))).toBe(21);
  });

  it('rejects malformed and impossible dates', () => {
    expect(ageOn('15/06/2000', today)).toBeNull();
    expect(ageOn('2001-02-29', today)).toBeNull();
    expect(ageOn('2025-06-16', today)).toBeNull();
  });
});
