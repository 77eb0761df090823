/**
 * Helpers for integration tests only (random prefixes, obliterate, raw jobs, waiting for a state,
 * running a scheduled job now).
 */
export * as queueTesting from './queue-testing';
