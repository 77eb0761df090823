export * from './payment-status';
export type * from './payment-provider';
