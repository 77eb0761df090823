import { keyIdOf, looksLikeApiKey, matchesDigest, mintApiKey } from './api-key.secret';

describe('API key secrets', () => {
  it('mints a prefixed key with a 12-character key id and 32 random bytes, and stores only its digest', () => {
    const minted = mintApiKey();
    expect(minted.key).toMatch(/^rgk_[A-Za-z0-9_-]{12}_[A-Za-z0-9_-]{43}$/);
    // rgk_ + 12-character key id + _ + the secret (base64url may hold `_`: cut by position).
    expect(Buffer.from(minted.key.slice('rgk_'.length + 12 + 1), 'base64url')).toHaveLength(32);
    expect(minted.secretHash).toHaveLength(32);
    expect(minted.secretHash.toString('hex')).not.toContain(Buffer.from(minted.key).toString('hex'));
    expect(keyIdOf(minted.key)).toBe(minted.keyId);
  });

  it('never mints the same key twice', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => mintApiKey().key));
    expect(keys.size).toBe(1000);
  });

  it('matches the digest of the whole key only', () => {
    const minted = mintApiKey();
    expect(matchesDigest(minted.key, minted.secretHash)).toBe(true);
    expect(matchesDigest(`${minted.key.slice(0, -1)}A`, minted.secretHash)).toBe(minted.key.endsWith('A'));
    expect(matchesDigest(mintApiKey().key, minted.secretHash)).toBe(false);
  });

  it('tells API keys from other bearer tokens, and refuses malformed ones', () => {
    expect(looksLikeApiKey('eyJhbGciOiJIUzI1NiJ9.e30.x')).toBe(false);
    expect(looksLikeApiKey('rgk_short')).toBe(true);
    expect(keyIdOf('rgk_short')).toBeUndefined();
    expect(keyIdOf(`rgk_${'a'.repeat(12)}_${'b'.repeat(42)}`)).toBeUndefined();
  });
});
