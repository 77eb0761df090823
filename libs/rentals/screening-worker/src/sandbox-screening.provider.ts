import { createHash } from 'node:crypto';
import type { ScreeningOutcome } from '@rentguy/rentals/domain';
import type { ScreeningProvider, ScreeningRequest, ScreeningResult } from './screening.provider';

const ADULT_AGE = 18;
// Score bands of the sandbox: about 70 % approved, 15 % review, 15 % declined.
const APPROVE_FROM = 30;
const REVIEW_FROM = 15;

/**
 * A deterministic stand-in for a real provider, for local runs, demos and tests: the same applicant
 * always gets the same score and outcome. Names containing "decline" or "review" force that outcome,
 * and applicants under 18 are always declined.
 */
export class SandboxScreeningProvider implements ScreeningProvider {
  constructor(private readonly today: () => Date = () => new Date()) {}

  async screen({ applicant, idempotencyKey }: ScreeningRequest): Promise<ScreeningResult> {
    const name = applicant.fullName.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
    const digest = createHash('sha256').update(`${name}|${applicant.dateOfBirth}`).digest();
    const score = digest.readUInt32BE(0) % 101;
    // Derived from the application, not the person, so it can be kept after the purge.
    const reference = `sbx_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24)}`;
    const decide = (outcome: ScreeningOutcome, reasons: string[]): ScreeningResult => ({
      outcome,
      score,
      reasons,
      reference,
    });

    const age = ageOn(applicant.dateOfBirth, this.today());
    if (age === null) {
      return decide('review', ['date_of_birth_invalid']);
    }
    if (age < ADULT_AGE) {
      return decide('declined', ['applicant_under_18']);
    }
    if (name.includes('decline')) {
      return decide('declined', ['sandbox_forced_decline']);
    }
    if (name.includes('review')) {
      return decide('review', ['sandbox_forced_review']);
    }
    if (score >= APPROVE_FROM) {
      return decide('approved', []);
    }
    return score >= REVIEW_FROM
      ? decide('review', ['score_borderline'])
      : decide('declined', ['score_too_low']);
  }
}

/** Completed years on `today` (UTC) of someone born on `dateOfBirth`, or null for an impossible date. */
export function ageOn(dateOfBirth: string, today: Date): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateOfBirth);
  if (!match) {
    return null;
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const born = new Date(Date.UTC(year, month - 1, day));
  if (
    born.getUTCFullYear() !== year ||
    born.getUTCMonth() !== month - 1 ||
    born.getUTCDate() !== day ||
    born > today
  ) {
    return null;
  }
  const beforeBirthday =
    today.getUTCMonth() < month - 1 || (today.getUTCMonth() === month - 1 && today.getUTCDate() < day);
  return today.getUTCFullYear() - year - (beforeBirthday ? 1 : 0);
}
