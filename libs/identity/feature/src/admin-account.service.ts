import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import { UserRepository } from '@rentguy/identity/data-access';
import { normalizeEmail } from '@rentguy/identity/domain';
import { PasswordHasher } from './password.hasher';

export type AdminCreation = { outcome: 'created' | 'promoted' | 'unchanged'; userId: string; email: string };

/**
 * Makes an account an admin, for the `admin:create` command (nobody can register as one). A new
 * account gets a random password nobody knows: its owner sets one through the password-reset email.
 */
@Injectable()
export class AdminAccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly passwords: PasswordHasher,
    private readonly transactions: TransactionRunner,
  ) {}

  async createOrPromote(address: string): Promise<AdminCreation> {
    const parsed = z.email().max(254).safeParse(address.trim());
    if (!parsed.success) {
      throw new DomainError(ErrorCode.ValidationFailed, `not an email address: ${address}`);
    }
    const email = normalizeEmail(parsed.data);
    const existing = await this.users.findByEmail(email);
    if (existing) {
      if (existing.role === 'admin') {
        return { outcome: 'unchanged', userId: existing.id, email };
      }
      await this.users.updateRole(existing.id, 'admin');
      return { outcome: 'promoted', userId: existing.id, email };
    }
    const passwordHash = await this.passwords.hash(randomBytes(32).toString('base64url'));
    const created = await this.transactions.run((tx) =>
      this.users.insert(tx, {
        id: randomUUID(),
        email,
        passwordHash,
        name: email.slice(0, email.indexOf('@')).slice(0, 100),
        role: 'admin',
        locale: 'en',
      }),
    );
    if (!created) {
      // Registered between the lookup and the insert: promote that account instead.
      return this.createOrPromote(email);
    }
    return { outcome: 'created', userId: created.id, email };
  }
}
