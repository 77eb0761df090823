import { newSecretToken, secretTokenDigest } from './secret-token';

describe('secret tokens', () => {
  it('are 43 base64url characters, never twice the same', () => {
    const tokens = new Set(Array.from({ length: 100 }, newSecretToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it('are stored as their 32-byte SHA-256', () => {
    const digest = secretTokenDigest('abc');
    expect(digest.toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
