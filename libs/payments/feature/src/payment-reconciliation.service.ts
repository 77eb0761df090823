import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import { PaymentRepository } from './data-access/payment.repository';
import { PaymentProviderRegistry } from './payment-provider.registry';
import { PaymentTransitionService } from './payment-transition.service';
import type { PaymentsFeatureConfig } from './payments.config';

const BATCH = 100;

export interface ReconciliationResult {
  checked: number;
  repaired: number;
  failed: number;
}

/**
 * Asks the provider about payments stuck in `pending` and applies what it says through the same
 * forward-only transition as webhooks: a lost webhook must not leave a booking unpaid.
 */
@Injectable()
export class PaymentReconciliationService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentReconciliationService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReconciliationResult>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: PaymentsFeatureConfig,
    private readonly payments: PaymentRepository,
    private readonly transactions: TransactionRunner,
    private readonly providers: PaymentProviderRegistry,
    private readonly transitions: PaymentTransitionService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.reconcile().catch((error: unknown) => this.logger.error(error));
    }, this.config.RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round over payments pending for longer than `pendingForMs`; rounds never overlap. */
  reconcile(pendingForMs = this.config.RECONCILE_PENDING_AFTER_MS): Promise<ReconciliationResult> {
    this.running ??= this.round(pendingForMs).finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(pendingForMs: number): Promise<ReconciliationResult> {
    const stale = await this.payments.findPendingSince(new Date(Date.now() - pendingForMs), BATCH);
    const result: ReconciliationResult = { checked: stale.length, repaired: 0, failed: 0 };
    for (const payment of stale) {
      try {
        // The provider call stays outside any transaction; the transition re-checks under a row lock.
        const remote = await this.providers
          .get(payment.provider)
          .fetchStatus(payment.providerPaymentId as string);
        if (remote.status === 'pending') {
          await this.payments.touchPending(payment.id);
          continue;
        }
        const transition = await this.transactions.run((tx) =>
          this.transitions.apply(tx, payment.provider, {
            providerPaymentId: remote.providerPaymentId,
            paymentId: payment.id,
            status: remote.status,
            failureReason: remote.failureReason,
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
        this.logger.warn(
          `reconciling payment ${payment.id} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return result;
  }
}
