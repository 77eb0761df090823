import { ErrorCode } from '@rentguy/contracts';
import { assertTransition, canTransition, occupiesDates, settlePayment } from './booking-status.machine';
import { BOOKING_STATUSES, type BookingStatus } from './rentals.types';

describe('booking status machine', () => {
  const allowed: [BookingStatus, BookingStatus][] = [
    ['held', 'confirmed'],
    ['held', 'expired'],
    ['held', 'cancelled'],
    ['confirmed', 'completed'],
    ['confirmed', 'cancelled'],
    ['expired', 'held'],
  ];

  it('allows exactly the transitions of docs/architecture.md#booking-state-machine', () => {
    const actual = BOOKING_STATUSES.flatMap((from) =>
      BOOKING_STATUSES.filter((to) => canTransition(from, to)).map((to) => [from, to]),
    );
    expect(actual.sort()).toEqual([...allowed].sort());
  });

  it('refuses going backwards with a conflict', () => {
    expect(() => assertTransition('confirmed', 'held')).toThrow(
      expect.objectContaining({ code: ErrorCode.Conflict }),
    );
    expect(() => assertTransition('cancelled', 'confirmed')).toThrow();
  });

  it('only held and confirmed bookings occupy dates', () => {
    expect(BOOKING_STATUSES.filter(occupiesDates)).toEqual(['held', 'confirmed']);
  });

  it('settles a payment according to the booking status', () => {
    expect(settlePayment('held')).toEqual({ kind: 'confirm' });
    expect(settlePayment('expired')).toEqual({ kind: 'rehold-and-confirm' });
    expect(settlePayment('confirmed')).toEqual({ kind: 'already-confirmed' });
    expect(settlePayment('cancelled')).toEqual({ kind: 'unconfirmable', status: 'cancelled' });
  });
});
