export type { FakeCharge, FakeStripeEvent, RecordedRequest, WebhookDelivery } from './fake-stripe.model';
export { startFakeStripe, type FakeStripe, type FakeStripeOptions } from './fake-stripe.server';
export type { PaymentFailure } from './fake-stripe.store';
export type { WebhookRetryOptions } from './webhook.dispatcher';
