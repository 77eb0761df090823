import { decisionRefusal, retentionCutoff } from './application-decision.policy';

describe('decisionRefusal', () => {
  it('lets the host decide a screened application only', () => {
    expect(decisionRefusal('screened')).toBeNull();
    expect(decisionRefusal('screening')).toBe('still_screening');
    expect(decisionRefusal('approved')).toBe('already_decided');
    expect(decisionRefusal('declined')).toBe('already_decided');
    expect(decisionRefusal('expired')).toBe('expired');
  });
});

describe('retentionCutoff', () => {
  it('is the given number of days before now', () => {
    expect(retentionCutoff(new Date('2026-03-31T12:00:00Z'), 30).toISOString()).toBe(
      '2026-03-01T12:00:00.000Z',
    );
  });
});
