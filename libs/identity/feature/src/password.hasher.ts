import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Algorithm, hash, parseOptions, verify, type Options } from '@node-rs/argon2';

/**
 * argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane). One lane because the pods have 2 cores
 * and concurrent logins already spread over libuv's 4 threads: more lanes only contend for the same
 * cores. Peak memory is 4 x 19 MiB, and a hash takes roughly 20-40 ms on one core.
 */
export const PASSWORD_HASH_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  private dummyHash?: Promise<string>;

  // Made at boot, so the first login to an unknown account is not the slow one.
  onModuleInit(): void {
    this.dummyHash = this.hash(randomBytes(24).toString('base64url'));
  }

  hash(password: string): Promise<string> {
    return hash(password, PASSWORD_HASH_OPTIONS);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash is a mismatch, never a 500 that tells the caller the account exists.
      return false;
    }
  }

  /**
   * Burns the same time as a real verification, for logins to unknown accounts, so response times
   * do not reveal which emails are registered. Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(24).toString('base64url'));
    await this.verify(await this.dummyHash, password);
    return false;
  }

  /** True when the hash was made with other parameters than today's, so a login should upgrade it. */
  needsRehash(passwordHash: string): boolean {
    try {
      const used = parseOptions(passwordHash);
      return (
        used.algorithm !== PASSWORD_HASH_OPTIONS.algorithm ||
        used.memoryCost !== PASSWORD_HASH_OPTIONS.memoryCost ||
        used.timeCost !== PASSWORD_HASH_OPTIONS.timeCost ||
        used.parallelism !== PASSWORD_HASH_OPTIONS.parallelism
      );
    } catch {
      return true;
    }
  }
}
