import { createHash, randomBytes } from 'node:crypto';

/**
 * A bearer secret identity hands out (refresh tokens, password-reset tokens): 32 random bytes in
 * base64url (43 characters).
 */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What identity stores of such a secret: its SHA-256. A slow hash would add nothing: 256 random bits
 * cannot be guessed, and a plain digest can be looked up by index, which a salted hash cannot.
 */
export function secretTokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
