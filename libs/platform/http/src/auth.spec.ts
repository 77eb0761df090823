import { ServiceCredentialVerifier } from './auth';

const config = (tokens: { caller: string; secret: string }[]) => ({
  PORT: 0,
  BODY_LIMIT_BYTES: 1_048_576,
  JWT_PUBLIC_KEYS: [],
  SERVICE_TOKENS: tokens,
  JWT_ISSUER: 'rentguy',
});

describe('ServiceCredentialVerifier', () => {
  const current = 'the-current-rentals-token-of-32-chars';
  const next = 'the-next-rentals-token-of-at-least-32';
  const other = 'a-token-of-another-caller-of-32-chars';
  const verifier = new ServiceCredentialVerifier(
    config([
      { caller: 'rentals', secret: current },
      { caller: 'rentals', secret: next },
      { caller: 'notifications', secret: other },
    ]),
  );

  it("names the caller whose token was presented, with either of a rotating caller's tokens", () => {
    expect(verifier.verify(current, ['rentals'])).toBe('rentals');
    expect(verifier.verify(next, ['rentals'])).toBe('rentals');
  });

  it("refuses another caller's token, an unknown token and a token's prefix", () => {
    expect(() => verifier.verify(other, ['rentals'])).toThrow('invalid service credential');
    expect(() => verifier.verify('not-a-configured-token-at-all-000000', ['rentals'])).toThrow(
      'invalid service credential',
    );
    expect(() => verifier.verify(current.slice(0, 20), ['rentals'])).toThrow('invalid service credential');
  });

  it('accepts nobody when no service token is configured', () => {
    expect(() => new ServiceCredentialVerifier(config([])).verify(current, ['rentals'])).toThrow(
      'invalid service credential',
    );
  });
});
