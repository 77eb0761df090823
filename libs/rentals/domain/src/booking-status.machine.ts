import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { BookingStatus } from './rentals.types';

/**
 * Allowed moves (docs/architecture.md#booking-state-machine). `expired → held` re-holds a late payment: the
 * dates are taken again only if the exclusion constraint lets them.
 */
const TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  held: ['confirmed', 'expired', 'cancelled'],
  confirmed: ['completed', 'cancelled'],
  expired: ['held'],
  completed: [],
  cancelled: [],
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: BookingStatus, to: BookingStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError(ErrorCode.Conflict, `a ${from} booking cannot become ${to}`, { from, to });
  }
}

/** Statuses that occupy the calendar, as the exclusion constraint's WHERE clause says. */
export function occupiesDates(status: BookingStatus): boolean {
  return status === 'held' || status === 'confirmed';
}

/** What a successful payment does to a booking in a given status. */
export type PaymentSettlement =
  | { kind: 'confirm' }
  | { kind: 'rehold-and-confirm' }
  | { kind: 'already-confirmed' }
  | { kind: 'unconfirmable'; status: BookingStatus };

/**
 * A paid hold is confirmed; a paid expired hold is re-held then confirmed when its dates are still
 * free; a redelivered payment for a confirmed booking changes nothing.
 */
export function settlePayment(status: BookingStatus): PaymentSettlement {
  switch (status) {
    case 'held':
      return { kind: 'confirm' };
    case 'expired':
      return { kind: 'rehold-and-confirm' };
    case 'confirmed':
    case 'completed':
      return { kind: 'already-confirmed' };
    case 'cancelled':
      return { kind: 'unconfirmable', status };
  }
}
