import { randomInt } from 'node:crypto';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomChars(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) {
    out += alphabet[randomInt(alphabet.length)];
  }
  return out;
}

/** An id shaped like Stripe's: a type prefix and 24 random alphanumerics (`pi_3Pq…`). */
export function stripeId(prefix: 'ch' | 'evt' | 'pi' | 'pm' | 're' | 'txn'): string {
  return `${prefix}_${randomChars(24)}`;
}

export function clientSecretFor(paymentIntentId: string): string {
  return `${paymentIntentId}_secret_${randomChars(25)}`;
}

export function requestId(): string {
  return `req_${randomChars(14)}`;
}
