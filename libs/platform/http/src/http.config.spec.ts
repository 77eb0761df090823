import { generateKeyPairSync } from 'node:crypto';
import { composeConfig, loadConfig, servicePorts } from '@rentguy/platform/config';
import { httpConfig } from './http.config';

function keyPair(kid: string): { pub: Record<string, unknown>; priv: Record<string, unknown> } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    pub: { ...publicKey.export({ format: 'jwk' }), kid },
    priv: { ...privateKey.export({ format: 'jwk' }), kid },
  };
}
const k1 = keyPair('k1');
const k0 = keyPair('k0');
const validJwt = JSON.stringify({ keys: [k1.pub] });

describe('httpConfig', () => {
  it("defaults PORT to the service's port and reads JWT_PUBLIC_KEYS as a JWKS of Ed25519 keys", () => {
    const config = loadConfig(composeConfig('payments', [httpConfig]), {
      env: { JWT_PUBLIC_KEYS: JSON.stringify({ keys: [k1.pub, k0.pub] }) },
    });
    expect(config.PORT).toBe(servicePorts.payments.http);
    expect(config.JWT_PUBLIC_KEYS).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: k1.pub['x'], kid: 'k1', alg: 'EdDSA', use: 'sig' },
      { kty: 'OKP', crv: 'Ed25519', x: k0.pub['x'], kid: 'k0', alg: 'EdDSA', use: 'sig' },
    ]);
  });

  it.each([
    ['a private key', JSON.stringify({ keys: [k1.priv] }), /must be a public key/],
    ['two keys with one kid', JSON.stringify({ keys: [k1.pub, { ...k0.pub, kid: 'k1' }] }), /its own kid/],
    ['no key', JSON.stringify({ keys: [] }), /at least one key/],
    ['a shared secret', 'k1:0123456789abcdef0123456789abcdef', /must be JSON/],
    [
      'an RSA key',
      JSON.stringify({ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }] }),
      /JWT_PUBLIC_KEYS/,
    ],
  ])('refuses %s as JWT_PUBLIC_KEYS', (_, value, message) => {
    expect(() =>
      loadConfig(composeConfig('gateway', [httpConfig]), { env: { JWT_PUBLIC_KEYS: value } }),
    ).toThrow(message);
  });

  it('accepts no service caller by default, and reads SERVICE_TOKENS as caller and token pairs', () => {
    const compose = composeConfig('payments', [httpConfig]);
    expect(loadConfig(compose, { env: { JWT_PUBLIC_KEYS: validJwt } }).SERVICE_TOKENS).toEqual([]);
    const token = 'a-rentals-service-token-of-32-characters';
    expect(
      loadConfig(compose, {
        env: { JWT_PUBLIC_KEYS: validJwt, SERVICE_TOKENS: `rentals:${token}, rentals:${token}2` },
      }).SERVICE_TOKENS,
    ).toEqual([
      { caller: 'rentals', secret: token },
      { caller: 'rentals', secret: `${token}2` },
    ]);
  });

  it('rejects a service token that is too short or has no caller', () => {
    const compose = composeConfig('payments', [httpConfig]);
    expect(() =>
      loadConfig(compose, { env: { JWT_PUBLIC_KEYS: validJwt, SERVICE_TOKENS: 'rentals:short' } }),
    ).toThrow(/service token needs at least 32 characters/);
    expect(() =>
      loadConfig(compose, {
        env: { JWT_PUBLIC_KEYS: validJwt, SERVICE_TOKENS: 'a-token-without-its-caller-of-32-chars' },
      }),
    ).toThrow(/needs a name before ":"/);
  });

  it('cannot be composed by a service without a public port', () => {
    expect(() => composeConfig('image-worker', [httpConfig])).toThrow(/image-worker serves no HTTP/);
  });
});
