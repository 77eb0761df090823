import type { ApplicationStatus } from './rentals.types';

/** Why a host's decision on an application is refused, or null when it may be made now. */
export type DecisionRefusal = 'still_screening' | 'already_decided' | 'expired';

/** A host decides an application once, and only after screening. */
export function decisionRefusal(status: ApplicationStatus): DecisionRefusal | null {
  switch (status) {
    case 'screened':
      return null;
    case 'screening':
      return 'still_screening';
    case 'approved':
    case 'declined':
      return 'already_decided';
    case 'expired':
      return 'expired';
  }
}

/** The first instant at which an application made at `createdAt` is no longer kept undecided. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * 86_400_000);
}
