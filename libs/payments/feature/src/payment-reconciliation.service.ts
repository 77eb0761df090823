import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { describeError } from '@rentguy/platform/errors';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import {
  PaymentRepository,
  RefundRepository,
  type Payment,
  type Refund,
} from '@rentguy/payments/data-access';
import type { PaymentProviderName } from '@rentguy/payments/domain';
import { PaymentMetrics, type ReconciliationRepairKind } from './payment.metrics';
import { PaymentProviderRegistry } from './payment-provider.registry';
import type { TransitionOutcome } from './payment-transition.service';
import { PaymentService } from './payment.service';
import { paymentsConfig } from './payments.config';
import { RefundService } from './refund.service';

const BATCH = 100;

export interface ReconciliationResult {
  checked: number;
  repaired: number;
  failed: number;
}

/**
 * Repairs drift between our payments and refunds and the providers', through the same transitions
 * as webhooks (docs/architecture.md#reconciliation): in-flight payments of expired or cancelled
 * bookings are withdrawn at the provider, `created` ones the provider never answered for are created
 * again with the same idempotency key, `pending` ones are asked about, refunds never submitted are
 * submitted again with the same key, and `requested` ones are asked about. Each repair counts in
 * `payments_reconciliation_repairs_total{provider,kind}`. Runs from the `payments-reconciliation`
 * job scheduler (`RECONCILE_INTERVAL_MS`), once per interval across replicas.
 */
@Injectable()
export class PaymentReconciliationService {
  private readonly logger = new Logger(PaymentReconciliationService.name);

  constructor(
    @InjectConfig(paymentsConfig) private readonly config: ConfigOf<typeof paymentsConfig>,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundRepository,
    private readonly providers: PaymentProviderRegistry,
    private readonly paymentService: PaymentService,
    private readonly refundService: RefundService,
    private readonly metrics: PaymentMetrics,
  ) {}

  /**
   * One round. A payment or refund that cannot be repaired now is counted as failed and looked at
   * again next round; the round itself fails only when the database does.
   */
  @OnJob('payments-maintenance', 'payments.reconcile')
  async reconcile(): Promise<JobOutcome> {
    const result = await this.round();
    if (result.checked > 0) {
      this.logger.log(
        `reconciliation checked ${result.checked} payment(s) and refund(s): ${result.repaired} repaired, ${result.failed} failed`,
      );
    }
    return { status: 'done' };
  }

  async round(now: Date = new Date()): Promise<ReconciliationResult> {
    const before = new Date(now.getTime() - this.config.RECONCILE_PENDING_AFTER_MS);
    const result: ReconciliationResult = { checked: 0, repaired: 0, failed: 0 };
    // Bookings that can no longer be paid first: their payments must stop being payable.
    for (const payment of await this.payments.findInFlightOfExpiredBookings(BATCH)) {
      await this.repair(result, payment, 'payment_withdrawn', async () =>
        applied(await this.paymentService.withdraw(payment, 'booking no longer payable')),
      );
    }
    // A create the provider did not answer (outage, timeout) may still have happened there: the same
    // idempotency key returns that intent, or makes it, so ours and the provider's records agree.
    for (const payment of await this.payments.findCreatedSince(before, BATCH)) {
      await this.repair(result, payment, 'payment_created', async () => {
        await this.paymentService.createAtProvider(this.providers.get(payment.provider), payment);
        return true;
      });
    }
    for (const payment of await this.payments.findPendingSince(before, BATCH)) {
      await this.repair(result, payment, 'payment_status', async () => {
        const remote = await this.providers
          .get(payment.provider)
          .fetchStatus(payment.providerPaymentId as string);
        if (remote.status === 'pending') {
          await this.payments.touchPending(payment.id);
          return false;
        }
        return applied(await this.paymentService.applyProviderState(payment, remote));
      });
    }
    for (const refund of await this.refunds.findRequestedSince(before, BATCH)) {
      if (refund.providerRefundId === null) {
        // Never reached the provider (it was down): ask again with the same idempotency key.
        await this.repair(result, refund, 'refund_submitted', async () => {
          const outcome = await this.refundService.submit(refund.id);
          if (outcome === 'failed') {
            throw new Error('the provider did not take the refund');
          }
          return outcome === 'submitted';
        });
        continue;
      }
      await this.repair(result, refund, 'refund_status', async () => {
        const payment = await this.payments.findById(refund.paymentId);
        const remote = await this.providers
          .get(refund.provider)
          .fetchRefund(payment?.providerPaymentId ?? '', refund.providerRefundId as string);
        if (remote.status === 'pending') {
          await this.refunds.touchRequested(refund.id);
          return false;
        }
        await this.refundService.applyReport(refund.provider, { ...remote, refundId: refund.id });
        return true;
      });
    }
    return result;
  }

  /** Runs one repair; `work` answers whether it changed anything (then it is counted as a repair). */
  private async repair(
    result: ReconciliationResult,
    subject: Payment | Refund,
    kind: ReconciliationRepairKind,
    work: () => Promise<boolean>,
  ): Promise<void> {
    result.checked += 1;
    try {
      if (await work()) {
        result.repaired += 1;
        this.metrics.reconciliationRepair(subject.provider as PaymentProviderName, kind);
        this.logger.warn(`${kind} of ${subject.id} repaired by reconciliation (was ${subject.status})`);
      }
    } catch (error) {
      result.failed += 1;
      this.logger.warn(`reconciling ${subject.id} (${kind}) failed: ${describeError(error)}`);
    }
  }
}

function applied(transition: TransitionOutcome): boolean {
  return transition.outcome === 'applied';
}
