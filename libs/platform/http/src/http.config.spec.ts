import { composeConfig, loadConfig, servicePorts } from '@rentguy/platform/config';
import { httpConfig } from './http.config';

const validJwt = 'k1:0123456789abcdef0123456789abcdef';

describe('httpConfig', () => {
  it("defaults PORT to the service's port and reads JWT_KEYS as key id and secret pairs", () => {
    const config = loadConfig(composeConfig('payments', [httpConfig]), {
      env: { JWT_KEYS: `${validJwt}, k0:fedcba9876543210fedcba9876543210` },
    });
    expect(config.PORT).toBe(servicePorts.payments.http);
    expect(config.JWT_KEYS).toEqual([
      { kid: 'k1', secret: '0123456789abcdef0123456789abcdef' },
      { kid: 'k0', secret: 'fedcba9876543210fedcba9876543210' },
    ]);
  });

  it('rejects a JWT secret that is too short', () => {
    expect(() =>
      loadConfig(composeConfig('gateway', [httpConfig]), { env: { JWT_KEYS: 'k1:short' } }),
    ).toThrow(/at least 32 characters/);
  });

  it('accepts no service caller by default, and reads SERVICE_TOKENS as caller and token pairs', () => {
    const compose = composeConfig('payments', [httpConfig]);
    expect(loadConfig(compose, { env: { JWT_KEYS: validJwt } }).SERVICE_TOKENS).toEqual([]);
    const token = 'a-rentals-service-token-of-32-characters';
    expect(
      loadConfig(compose, {
        env: { JWT_KEYS: validJwt, SERVICE_TOKENS: `rentals:${token}, rentals:${token}2` },
      }).SERVICE_TOKENS,
    ).toEqual([
      { caller: 'rentals', secret: token },
      { caller: 'rentals', secret: `${token}2` },
    ]);
  });

  it('rejects a service token that is too short or has no caller', () => {
    const compose = composeConfig('payments', [httpConfig]);
    expect(() =>
      loadConfig(compose, { env: { JWT_KEYS: validJwt, SERVICE_TOKENS: 'rentals:short' } }),
    ).toThrow(/service token needs at least 32 characters/);
    expect(() =>
      loadConfig(compose, {
        env: { JWT_KEYS: validJwt, SERVICE_TOKENS: 'a-token-without-its-caller-of-32-chars' },
      }),
    ).toThrow(/needs a name before ":"/);
  });

  it('cannot be composed by a service without a public port', () => {
    expect(() => composeConfig('image-worker', [httpConfig])).toThrow(/image-worker serves no HTTP/);
  });
});
