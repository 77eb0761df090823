export * from './payment-status';
export type * from './payment-provider';
export * from './refund-status';
