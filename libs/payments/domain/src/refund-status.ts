import type { RefundReason } from '@rentguy/contracts';
import type { ProviderRefund } from './payment-provider';

/** A refund's lifecycle (docs/architecture.md#refunds): asked of the provider, then final either way. */
export const REFUND_STATUSES = ['requested', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export type { RefundReason };

/** What a provider's report of a refund means for ours: null while it is still on its way. */
export function refundOutcomeOf(status: ProviderRefund['status']): Exclude<RefundStatus, 'requested'> | null {
  switch (status) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'canceled':
      return 'failed';
    case 'pending':
      return null;
  }
}

/** The refund reason of a cancellation by each party. */
export function cancellationRefundReason(cancelledBy: 'guest' | 'host' | 'admin'): RefundReason {
  switch (cancelledBy) {
    case 'guest':
      return 'guest_cancelled';
    case 'host':
      return 'host_cancelled';
    case 'admin':
      return 'admin_cancelled';
  }
}
