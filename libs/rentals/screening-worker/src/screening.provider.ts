import type { ScreeningOutcome } from '@rentguy/rentals/domain';

/** What a provider needs to check one person; nothing more is sent. */
export interface Applicant {
  fullName: string;
  /** ISO date `YYYY-MM-DD`. */
  dateOfBirth: string;
}

export interface ScreeningRequest {
  applicant: Applicant;
  /**
   * Stable per application: a provider that sees the same key again returns its earlier check
   * instead of running (and billing) a new one, so a retried job is safe.
   */
  idempotencyKey: string;
}

export interface ScreeningResult {
  outcome: ScreeningOutcome;
  /** 0-100, higher is better. */
  score: number;
  /** Machine-readable reasons (e.g. `applicant_under_18`), never personal data. */
  reasons: string[];
  /** The provider's id of the check, for support questions. */
  reference: string;
}

/**
 * A background-check provider: the sandbox locally and in tests, an HTTP API adapter in production.
 * Throws when the provider cannot answer now (the job is retried).
 */
export interface ScreeningProvider {
  screen(request: ScreeningRequest): Promise<ScreeningResult>;
}

/** Injection token of the app's ScreeningProvider. */
export const SCREENING_PROVIDER = Symbol('SCREENING_PROVIDER');
