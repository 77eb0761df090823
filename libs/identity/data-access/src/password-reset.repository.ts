import { Injectable } from '@nestjs/common';
import type { Tx } from '@rentguy/platform/database';

export interface NewPasswordReset {
  id: string;
  userId: string;
  tokenHash: Buffer;
  expiresAt: Date;
}

/** Single-use password-reset tokens (`identity.password_reset_tokens`), by SHA-256 digest. */
@Injectable()
export class PasswordResetRepository {
  /** Stores a new token for the user in `tx`; any earlier live token of theirs stops working. */
  async create(tx: Tx, reset: NewPasswordReset): Promise<void> {
    await tx.query(
      `UPDATE identity.password_reset_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`,
      [reset.userId],
    );
    await tx.query(
      `INSERT INTO identity.password_reset_tokens (id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
      [reset.id, reset.userId, reset.tokenHash, reset.expiresAt],
    );
  }

  /**
   * Spends the live token with digest `tokenHash` in `tx` and returns its user; `null` when it is
   * unknown, expired or already spent. The guarded UPDATE's row lock lets one of two concurrent
   * confirmations through.
   */
  async consume(tx: Tx, tokenHash: Buffer): Promise<string | null> {
    const [rows] = (await tx.query(
      `UPDATE identity.password_reset_tokens SET used_at = now()
       WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
       RETURNING user_id`,
      [tokenHash],
    )) as [{ user_id: string }[], number];
    return rows[0]?.user_id ?? null;
  }
}
