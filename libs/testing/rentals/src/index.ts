export * from './rentals-test.harness';
export * from './fake-payments.server';
