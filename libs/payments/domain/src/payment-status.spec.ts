import { isForwardTransition, type PaymentStatus } from './payment-status';

describe('isForwardTransition', () => {
  it.each<[PaymentStatus, PaymentStatus]>([
    ['created', 'pending'],
    ['created', 'succeeded'],
    ['pending', 'succeeded'],
    ['pending', 'failed'],
    ['pending', 'canceled'],
    ['pending', 'expired'],
    ['failed', 'succeeded'],
    ['succeeded', 'partially_refunded'],
    ['succeeded', 'refunded'],
    ['partially_refunded', 'partially_refunded'],
    ['partially_refunded', 'refunded'],
  ])('allows %s → %s', (from, to) => {
    expect(isForwardTransition(from, to)).toBe(true);
  });

  it.each<[PaymentStatus, PaymentStatus]>([
    ['succeeded', 'failed'],
    ['succeeded', 'canceled'],
    ['succeeded', 'pending'],
    ['succeeded', 'succeeded'],
    ['pending', 'pending'],
    ['pending', 'created'],
    ['failed', 'canceled'],
    ['canceled', 'failed'],
    ['refunded', 'succeeded'],
    ['refunded', 'partially_refunded'],
  ])('refuses %s → %s', (from, to) => {
    expect(isForwardTransition(from, to)).toBe(false);
  });
});
