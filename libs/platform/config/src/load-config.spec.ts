import { z } from 'zod';
import { composeConfig, defineConfig } from './define-config';
import { ConfigError, loadConfig, maskConfig } from './load-config';
import { portSchema, servicePorts } from './service-ports';

const server = defineConfig('server', (service) => ({
  PORT: portSchema.default(servicePorts[service].ops),
  LOG_LEVEL: z.enum(['info', 'debug']).default('info'),
}));
const store = defineConfig('store', {
  DATABASE_URL: z.url(),
  POOL_SIZE: z.coerce.number().int().min(1).default(10),
});
const config = composeConfig('rentals', [server, store]);
const valid = { DATABASE_URL: 'postgres://db/rentguy' };

describe('loadConfig', () => {
  it('validates every definition in one pass, applying defaults and coercing types', () => {
    expect(loadConfig(config, { env: { ...valid, POOL_SIZE: '4' } })).toEqual({
      PORT: servicePorts.rentals.ops,
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://db/rentguy',
      POOL_SIZE: 4,
    });
  });

  it('lists every invalid key of every definition at once', () => {
    let error: unknown;
    try {
      loadConfig(config, { env: { PORT: 'eighty', LOG_LEVEL: 'chatty', POOL_SIZE: '0' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'POOL_SIZE',
      'PORT',
    ]);
    expect(problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('(not set)');
    expect((error as ConfigError).message).toContain('LOG_LEVEL');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig(config, { env: { ...valid, PORT: '' } }).PORT).toBe(servicePorts.rentals.ops);
  });
});

describe('maskConfig', () => {
  it('masks secrets and credentials in URLs, keeps the rest', () => {
    const masked = maskConfig({
      STRIPE_SECRET_KEY: 'sk_live_123',
      JWT_SIGNING_KEY: { kid: 'k1', d: 'x' },
      DATABASE_URL: 'postgres://app:hunter2@db:5432/rentguy',
      PORT: 3000,
    });
    expect(masked).toEqual({
      STRIPE_SECRET_KEY: '***',
      JWT_SIGNING_KEY: '***',
      DATABASE_URL: 'postgres://***@db:5432/rentguy',
      PORT: 3000,
    });
  });
});
