import { z } from 'zod';
import { ConfigError, loadConfig, maskConfig } from './load-config';
import { baseConfig, databaseConfig, httpConfig, jwtConfig, kafkaConfig } from './schemas';

const schema = z.object({
  ...baseConfig,
  ...httpConfig(3000, 9100),
  ...databaseConfig,
  ...kafkaConfig,
  ...jwtConfig,
});
const validJwt = 'k1:0123456789abcdef0123456789abcdef';

describe('loadConfig', () => {
  it('applies defaults and coerces types', () => {
    const config = loadConfig(schema, { env: { JWT_KEYS: validJwt, PORT: '4000' } });
    expect(config.PORT).toBe(4000);
    expect(config.OPS_PORT).toBe(9100);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.JWT_KEYS).toEqual([{ kid: 'k1', secret: '0123456789abcdef0123456789abcdef' }]);
  });

  it('lists every invalid key at once', () => {
    let error: unknown;
    try {
      loadConfig(schema, {
        env: { PORT: 'eighty', LOG_LEVEL: 'chatty', KAFKA_BROKERS: 'nohostport', DATABASE_URL: 'not a url' },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const keys = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(keys).toEqual(
      expect.arrayContaining(['PORT', 'LOG_LEVEL', 'KAFKA_BROKERS.0', 'DATABASE_URL', 'JWT_KEYS']),
    );
    expect((error as ConfigError).message).toContain('JWT_KEYS');
    expect((error as ConfigError).problems.find((p) => p.startsWith('JWT_KEYS'))).toContain('(not set)');
  });

  it('rejects a JWT secret that is too short', () => {
    expect(() => loadConfig(schema, { env: { JWT_KEYS: 'k1:short' } })).toThrow(/at least 32 characters/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig(schema, { env: { JWT_KEYS: validJwt, PORT: '' } }).PORT).toBe(3000);
  });
});

describe('maskConfig', () => {
  it('masks secrets and credentials in URLs, keeps the rest', () => {
    const masked = maskConfig({
      STRIPE_SECRET_KEY: 'sk_live_123',
      JWT_KEYS: [{ kid: 'k1', secret: 'x' }],
      DATABASE_URL: 'postgres://app:hunter2@db:5432/rentguy',
      PORT: 3000,
    });
    expect(masked).toEqual({
      STRIPE_SECRET_KEY: '***',
      JWT_KEYS: '***',
      DATABASE_URL: 'postgres://***@db:5432/rentguy',
      PORT: 3000,
    });
  });
});
