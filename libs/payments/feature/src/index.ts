export { PaymentsModule } from './payments.module';
export { paymentsConfig, paymentsQueueOptions } from './payments.config';
export { keepRawJsonBody } from './raw-body.parser';
export { STRIPE_WEBHOOK_PATH } from './stripe-webhook.controller';
export { MOLLIE_WEBHOOK_PATH } from './mollie-webhook.controller';
export { PaymentReconciliationService, type ReconciliationResult } from './payment-reconciliation.service';
export { WebhookInboxService } from './webhook-inbox.service';
export type { PaymentView } from './payment.service';
export { RefundService, type RefundView } from './refund.service';
