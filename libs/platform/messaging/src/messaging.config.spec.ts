import { composeConfig, loadConfig } from '@rentguy/platform/config';
import { messagingConfig } from './messaging.config';

const messaging = composeConfig('rentals', [messagingConfig]);

describe('messagingConfig', () => {
  it('reads KAFKA_BROKERS as a list of host:port, the local broker by default', () => {
    expect(loadConfig(messaging, { env: {} }).KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(loadConfig(messaging, { env: { KAFKA_BROKERS: 'a:9092, b:9093' } }).KAFKA_BROKERS).toEqual([
      'a:9092',
      'b:9093',
    ]);
  });

  it('names the broker entry that is not host:port', () => {
    expect(() => loadConfig(messaging, { env: { KAFKA_BROKERS: 'a:9092,nohostport' } })).toThrow(
      /KAFKA_BROKERS\.1: expected host:port/,
    );
  });
});
