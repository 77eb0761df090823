import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { TransactionRunner } from '@rentguy/platform/database';
import {
  PasswordResetRepository,
  SessionRepository,
  UserRepository,
  type User,
} from '@rentguy/identity/data-access';
import { newSecretToken, normalizeEmail, secretTokenDigest as digest } from '@rentguy/identity/domain';
import type { PasswordResetConfirmDto } from './account.dto';
import { identityConfig } from './identity.config';
import { PasswordHasher } from './password.hasher';
import { UserEventsPublisher } from './user-events.publisher';

const INVALID_TOKEN = 'invalid, expired or already used password-reset token';

/**
 * Password reset by email: a single-use token of 32 random bytes, valid `PASSWORD_RESET_TTL_MINUTES`,
 * stored as its SHA-256 digest and handed to notifications (which emails the link) through the
 * outbox. The request answers the same whether or not the address has an account.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);
  private readonly ttlMs: number;

  constructor(
    private readonly users: UserRepository,
    private readonly resets: PasswordResetRepository,
    private readonly sessions: SessionRepository,
    private readonly passwords: PasswordHasher,
    private readonly transactions: TransactionRunner,
    private readonly events: UserEventsPublisher,
    @InjectConfig(identityConfig) config: ConfigOf<typeof identityConfig>,
  ) {
    this.ttlMs = config.PASSWORD_RESET_TTL_MINUTES * 60_000;
  }

  /** Starts a reset for the address, if it has an account; silent otherwise. */
  async request(email: string): Promise<void> {
    const user = await this.users.findByEmail(normalizeEmail(email));
    if (!user) {
      return;
    }
    await this.issue(user);
  }

  /** A new reset token for `user` (earlier ones stop working); returns it, for `admin:create`. */
  async issue(user: User): Promise<{ token: string; expiresAt: Date }> {
    const token = newSecretToken();
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.transactions.run(async (tx) => {
      await this.resets.create(tx, {
        id: randomUUID(),
        userId: user.id,
        tokenHash: digest(token),
        expiresAt,
      });
      // The profile first, on the same key: notifications then knows where to send the email even
      // for an account created before identity published its events.
      await this.events.updated(tx, user);
      await this.events.passwordResetRequested(tx, user.id, token, expiresAt);
    });
    return { token, expiresAt };
  }

  /** Spends the token, sets the new password and ends every session of the user. */
  async confirm(dto: PasswordResetConfirmDto): Promise<void> {
    const passwordHash = await this.passwords.hash(dto.newPassword);
    const userId = await this.transactions.run(async (tx) => {
      const owner = await this.resets.consume(tx, digest(dto.token));
      if (owner) {
        await this.users.updatePasswordHash(owner, passwordHash, tx);
        await this.sessions.revokeAllOfUser(tx, owner, null);
      }
      return owner;
    });
    if (!userId) {
      throw new DomainError(ErrorCode.Unauthenticated, INVALID_TOKEN);
    }
    this.logger.log(`password of user ${userId} reset; their sessions are revoked`);
  }
}
