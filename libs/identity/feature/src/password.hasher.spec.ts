import { hash } from '@node-rs/argon2';
import { PasswordHasher } from './password.hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();
  beforeAll(() => hasher.onModuleInit());

  it('hashes with argon2id and the chosen cost parameters', async () => {
    const hashed = await hasher.hash('correct horse battery');

    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hasher.needsRehash(hashed)).toBe(false);
  });

  it('verifies the right password only', async () => {
    const hashed = await hasher.hash('correct horse battery');

    await expect(hasher.verify(hashed, 'correct horse battery')).resolves.toBe(true);
    await expect(hasher.verify(hashed, 'Correct horse battery')).resolves.toBe(false);
  });

  it('treats a corrupt stored hash as a mismatch, not an error', async () => {
    await expect(hasher.verify('not-a-hash', 'whatever1234')).resolves.toBe(false);
    expect(hasher.needsRehash('not-a-hash')).toBe(true);
  });

  it('asks for a rehash of hashes made with weaker parameters', async () => {
    const weak = await hash('correct horse battery', { memoryCost: 4096, timeCost: 1, parallelism: 1 });

    expect(hasher.needsRehash(weak)).toBe(true);
  });

  it('never accepts a login against the dummy hash', async () => {
    await expect(hasher.verifyDummy('anything at all')).resolves.toBe(false);
  });
});
