export { startFakeMollie, type FakeMollie, type FakeMollieOptions } from './fake-mollie.server';
export type {
  CheckoutOutcome,
  FakeMolliePayment,
  FakeMollieRefund,
  PingDelivery,
  RecordedRequest,
} from './fake-mollie.model';
export type { PingRetryOptions } from './ping.dispatcher';
