export * from './rentals-test.harness';
