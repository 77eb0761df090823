export * from './rentals.types';
export * from './pricing.policy';
export * from './stay.policy';
export * from './booking-status.machine';
export * from './image-type.policy';
export * from './visibility.policy';
export * from './listing-cache.tags';
export * from './calendar.policy';
