export * from './kafka-outage.lock';
export * from './messaging-test-kit';
