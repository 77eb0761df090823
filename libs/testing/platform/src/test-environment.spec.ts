import { testEnvironment } from './test-environment';

describe('testEnvironment', () => {
  it('points at the local infrastructure by default', () => {
    const env = testEnvironment({});
    expect(env).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/rentguy_test',
      redisUrl: 'redis://127.0.0.1:6379',
      kafkaBrokers: ['127.0.0.1:9092'],
    });
  });

  it('reads TEST_DATABASE_URL, TEST_REDIS_URL and TEST_KAFKA_BROKERS', () => {
    const env = testEnvironment({
      TEST_DATABASE_URL: 'postgres://ci:pw@db.test:6543/it',
      TEST_REDIS_URL: 'redis://cache.test:6380',
      TEST_KAFKA_BROKERS: 'k1.test:9092, k2.test:9092',
      DATABASE_URL: 'postgres://ignored/app',
    });
    expect(env.databaseUrl).toBe('postgres://ci:pw@db.test:6543/it');
    expect(env.redisUrl).toBe('redis://cache.test:6380');
    expect(env.kafkaBrokers).toEqual(['k1.test:9092', 'k2.test:9092']);
  });

  it('names another database on the same servers', () => {
    const env = testEnvironment({ TEST_DATABASE_URL: 'postgres://ci:pw@db.test:6543/it?sslmode=require' });
    expect(env.databaseUrlFor('rentguy_e2e')).toBe(
      'postgres://ci:pw@db.test:6543/rentguy_e2e?sslmode=require',
    );
    expect(env.redisUrlFor(5)).toBe('redis://127.0.0.1:6379/5');
  });
});
