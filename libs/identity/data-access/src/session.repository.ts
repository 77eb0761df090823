import { Injectable } from '@nestjs/common';
import { TransactionRunner, type Tx } from '@rentguy/platform/database';

export interface NewSession {
  familyId: string;
  userId: string;
  userAgent: string | null;
  tokenId: string;
  tokenHash: Buffer;
  expiresAt: Date;
}

export interface NextToken {
  tokenId: string;
  tokenHash: Buffer;
  expiresAt: Date;
}

/** What a refresh attempt found, decided inside one transaction. */
export type RotationOutcome =
  | { kind: 'rotated'; userId: string; familyId: string }
  /** The token was already rotated: its family is revoked now (or was already). */
  | { kind: 'reused'; userId: string; familyId: string }
  /** Unknown, expired, or its family was logged out or revoked. */
  | { kind: 'invalid' };

/**
 * Session families and their refresh tokens (`identity.session_families`, `identity.refresh_tokens`),
 * in SQL because every step is one guarded statement whose row lock is the concurrency control.
 */
@Injectable()
export class SessionRepository {
  constructor(private readonly transactions: TransactionRunner) {}

  async create(session: NewSession): Promise<void> {
    await this.transactions.run(async (tx) => {
      await tx.query(`INSERT INTO identity.session_families (id, user_id, user_agent) VALUES ($1, $2, $3)`, [
        session.familyId,
        session.userId,
        session.userAgent,
      ]);
      await insertToken(tx, session.familyId, session);
    });
  }

  /**
   * Marks the token with digest `tokenHash` rotated and stores `next` in its family, atomically.
   * Of two concurrent rotations of one token the UPDATE's row lock lets exactly one through; the
   * other finds the token rotated, which is a reuse: the family is revoked, the winner's new token
   * with it. FOR SHARE on the family serializes a rotation with a concurrent revocation, so a
   * revoked family never gains a live token.
   */
  rotate(tokenHash: Buffer, next: NextToken): Promise<RotationOutcome> {
    return this.transactions
      .run(async (tx): Promise<RotationOutcome> => {
        const rotated = (await tx.query(
          `UPDATE identity.refresh_tokens SET rotated_at = now()
         WHERE token_hash = $1 AND rotated_at IS NULL AND expires_at > now()
         RETURNING family_id`,
          [tokenHash],
        )) as [{ family_id: string }[], number];
        const [row] = rotated[0];
        if (row) {
          const [family] = (await tx.query(
            `SELECT user_id, revoked_at FROM identity.session_families WHERE id = $1 FOR SHARE`,
            [row.family_id],
          )) as { user_id: string; revoked_at: Date | null }[];
          if (!family || family.revoked_at) {
            // Rolls the rotation back: a dead family's tokens stay as they were.
            throw new DeadFamily();
          }
          await insertToken(tx, row.family_id, next);
          return { kind: 'rotated', userId: family.user_id, familyId: row.family_id };
        }
        const [seen] = (await tx.query(
          `SELECT t.family_id, f.user_id FROM identity.refresh_tokens t
         JOIN identity.session_families f ON f.id = t.family_id
         WHERE t.token_hash = $1 AND t.rotated_at IS NOT NULL`,
          [tokenHash],
        )) as { family_id: string; user_id: string }[];
        if (!seen) {
          return { kind: 'invalid' };
        }
        await revokeFamily(tx, seen.family_id, 'reuse');
        return { kind: 'reused', userId: seen.user_id, familyId: seen.family_id };
      })
      .catch((error: unknown) => {
        if (error instanceof DeadFamily) {
          return { kind: 'invalid' } as const;
        }
        throw error;
      });
  }

  /**
   * Revokes every live session of the user in `tx` but `keepFamilyId` (the one a password change
   * was made from, if any).
   */
  async revokeAllOfUser(tx: Tx, userId: string, keepFamilyId: string | null): Promise<void> {
    await tx.query(
      `UPDATE identity.session_families SET revoked_at = now(), revoked_reason = 'password'
       WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [userId, keepFamilyId],
    );
  }

  /** Revokes the family of the token with digest `tokenHash`; false when no such token exists. */
  async revokeByToken(tokenHash: Buffer): Promise<boolean> {
    return this.transactions.run(async (tx) => {
      const [token] = (await tx.query(`SELECT family_id FROM identity.refresh_tokens WHERE token_hash = $1`, [
        tokenHash,
      ])) as { family_id: string }[];
      if (!token) {
        return false;
      }
      await revokeFamily(tx, token.family_id, 'logout');
      return true;
    });
  }
}

class DeadFamily extends Error {}

async function insertToken(tx: Tx, familyId: string, token: NextToken): Promise<void> {
  await tx.query(
    `INSERT INTO identity.refresh_tokens (id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
    [token.tokenId, familyId, token.tokenHash, token.expiresAt],
  );
}

async function revokeFamily(tx: Tx, familyId: string, reason: 'logout' | 'reuse'): Promise<void> {
  await tx.query(
    `UPDATE identity.session_families SET revoked_at = now(), revoked_reason = $2
     WHERE id = $1 AND revoked_at IS NULL`,
    [familyId, reason],
  );
}
