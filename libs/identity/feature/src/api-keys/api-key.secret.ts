import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key reads `rgk_<key id>_<secret>`: a recognisable prefix (secret scanners and people can
 * tell it apart from a JWT), a public key id for the lookup, and 32 random bytes. Only the SHA-256
 * digest of the whole key is stored: with 256 bits of entropy, a slow password hash adds nothing.
 */
export const API_KEY_PREFIX = 'rgk_';
const KEY_ID_BYTES = 9; // 12 base64url characters
const SECRET_BYTES = 32; // 43 base64url characters
const FORMAT = /^rgk_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

export interface MintedApiKey {
  /** The whole key, shown to its owner once. */
  key: string;
  keyId: string;
  secretHash: Buffer;
}

export function mintApiKey(): MintedApiKey {
  const keyId = randomBytes(KEY_ID_BYTES).toString('base64url');
  const key = `${API_KEY_PREFIX}${keyId}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, keyId, secretHash: digestOf(key) };
}

/** The key id of something shaped like an API key, else undefined. */
export function keyIdOf(presented: string): string | undefined {
  return FORMAT.exec(presented)?.[1];
}

export function looksLikeApiKey(presented: string): boolean {
  return presented.startsWith(API_KEY_PREFIX);
}

/** Constant-time comparison of a presented key with the stored digest. */
export function matchesDigest(presented: string, secretHash: Buffer): boolean {
  const digest = digestOf(presented);
  return digest.length === secretHash.length && timingSafeEqual(digest, secretHash);
}

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}
