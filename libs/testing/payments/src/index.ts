export * from './fake-rentals.server';
