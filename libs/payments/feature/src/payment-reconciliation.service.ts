import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import { OnJob, type JobOutcome } from '@rentguy/platform/queue';
import { PaymentRepository, type Payment } from '@rentguy/payments/data-access';
import type { PaymentProvider, ProviderPayment } from '@rentguy/payments/domain';
import { PaymentProviderRegistry } from './payment-provider.registry';
import { PaymentTransitionService } from './payment-transition.service';
import { PaymentService } from './payment.service';
import { paymentsConfig } from './payments.config';
import { describeError } from '@rentguy/platform/errors';

const BATCH = 100;

export interface ReconciliationResult {
  checked: number;
  repaired: number;
  failed: number;
}

/**
 * Repairs drift between our payments and the provider's, through the same forward-only transition
 * as webhooks: payments stuck in `pending` are asked about (a lost webhook must not leave a booking
 * unpaid), `created` ones the provider never answered for are created again with the same
 * idempotency key, and in-flight payments of expired holds are canceled at the provider.
 * Runs from the `payments-reconciliation` job scheduler (`RECONCILE_INTERVAL_MS`).
 */
@Injectable()
export class PaymentReconciliationService {
  private readonly logger = new Logger(PaymentReconciliationService.name);

  constructor(
    @InjectConfig(paymentsConfig) private readonly config: ConfigOf<typeof paymentsConfig>,
    private readonly payments: PaymentRepository,
    private readonly transactions: TransactionRunner,
    private readonly providers: PaymentProviderRegistry,
    private readonly transitions: PaymentTransitionService,
    private readonly paymentService: PaymentService,
  ) {}

  /**
   * One round over the in-flight payments of expired holds, and payments created or pending for
   * longer than `RECONCILE_PENDING_AFTER_MS`. A payment that cannot be repaired now is counted as
   * failed and looked at again next round; the round itself fails only when the database does.
   */
  @OnJob('payments-maintenance', 'payments.reconcile')
  async reconcile(): Promise<JobOutcome> {
    const result = await this.round();
    if (result.checked > 0) {
      this.logger.log(
        `reconciliation checked ${result.checked} payment(s): ${result.repaired} repaired, ${result.failed} failed`,
      );
    }
    return { status: 'done' };
  }

  private async round(): Promise<ReconciliationResult> {
    const before = new Date(Date.now() - this.config.RECONCILE_PENDING_AFTER_MS);
    const result: ReconciliationResult = { checked: 0, repaired: 0, failed: 0 };
    // Expired holds first: their payments must stop being payable, whatever state they are in.
    for (const payment of await this.payments.findInFlightOfExpiredBookings(BATCH)) {
      await this.repair(result, payment, async (provider) => {
        const providerPaymentId =
          payment.providerPaymentId ??
          (await this.paymentService.createAtProvider(provider, payment)).remote.providerPaymentId;
        const remote = await provider.cancel(providerPaymentId, payment.id);
        return remote.status === 'canceled' ? { ...remote, failureReason: 'booking expired' } : remote;
      });
    }
    // A create the provider did not answer (outage, timeout) may still have happened there: the same
    // idempotency key returns that intent, or makes it, so ours and the provider's records agree.
    for (const payment of await this.payments.findCreatedSince(before, BATCH)) {
      await this.repair(result, payment, async (provider) => {
        await this.paymentService.createAtProvider(provider, payment);
        return null;
      });
    }
    for (const payment of await this.payments.findPendingSince(before, BATCH)) {
      await this.repair(result, payment, (provider) =>
        provider.fetchStatus(payment.providerPaymentId as string),
      );
    }
    return result;
  }

  /**
   * Asks the provider (outside any transaction) and applies its answer through the forward-only
   * transition, which re-checks under a row lock. `ask` answers null when there is nothing to apply.
   */
  private async repair(
    result: ReconciliationResult,
    payment: Payment,
    ask: (provider: PaymentProvider) => Promise<ProviderPayment | null>,
  ): Promise<void> {
    result.checked += 1;
    try {
      const remote = await ask(this.providers.get(payment.provider));
      if (!remote) {
        return;
      }
      if (remote.status === 'pending') {
        await this.payments.touchPending(payment.id);
        return;
      }
      const transition = await this.transactions.run((tx) =>
        this.transitions.apply(tx, payment.provider, {
          providerPaymentId: remote.providerPaymentId,
          paymentId: payment.id,
          status: remote.status,
          failureReason: remote.failureReason,
          amount: remote.amount,
          currency: remote.currency,
        }),
      );
      this.transitions.recordCommitted(transition);
      if (transition.outcome === 'applied') {
        result.repaired += 1;
        this.logger.warn(
          `payment ${payment.id} repaired by reconciliation: ${payment.status} → ${transition.payment.status}`,
        );
      }
    } catch (error) {
      result.failed += 1;
      this.logger.warn(`reconciling payment ${payment.id} failed: ${describeError(error)}`);
    }
  }
}
