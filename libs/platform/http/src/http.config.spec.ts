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

  it('cannot be composed by a service without a public port', () => {
    expect(() => composeConfig('image-worker', [httpConfig])).toThrow(/image-worker serves no HTTP/);
  });
});
