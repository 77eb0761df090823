/** Our payment lifecycle (docs/architecture.md#payment-state-machine), free of any provider's vocabulary. */
export const PAYMENT_STATUSES = [
  'created',
  'pending',
  'succeeded',
  'failed',
  'canceled',
  'expired',
  'partially_refunded',
  'refunded',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_PROVIDERS = ['stripe', 'mollie'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** Methods a guest may pick for a Mollie payment. */
export const PAYMENT_METHOD_CHOICES = ['ideal', 'creditcard', 'bancontact'] as const;
export type PaymentMethodChoice = (typeof PAYMENT_METHOD_CHOICES)[number];

/**
 * How far along the lifecycle a status is. `succeeded` ranks above the unsuccessful outcomes on
 * purpose: a provider may report a failed attempt and later a success on the same intent (Stripe
 * lets the customer retry with another card); money that moved must never be recorded as failed.
 */
const RANK: Record<PaymentStatus, number> = {
  created: 0,
  pending: 1,
  failed: 2,
  canceled: 2,
  expired: 2,
  succeeded: 3,
  partially_refunded: 4,
  refunded: 5,
};

/**
 * Whether moving from `from` to `to` is a forward step. Late or out-of-order provider news (a
 * `payment_failed` after `succeeded`, a replayed `succeeded`) is not, and must change nothing.
 * `partially_refunded` may repeat because each partial refund is news of its own.
 */
export function isForwardTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  if (from === 'partially_refunded' && to === 'partially_refunded') {
    return true;
  }
  return RANK[to] > RANK[from];
}

/** A payment the guest may still complete (at most one per booking, see the partial unique index). */
export const IN_FLIGHT_STATUSES: readonly PaymentStatus[] = ['created', 'pending'];

/** Money has been taken for the booking: another payment must not be started. */
export const PAID_STATUSES: readonly PaymentStatus[] = ['succeeded', 'partially_refunded', 'refunded'];
