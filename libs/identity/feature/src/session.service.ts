import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { SessionRepository, UserRepository, type User } from '@rentguy/identity/data-access';
import { newSecretToken, secretTokenDigest as digest } from '@rentguy/identity/domain';
import { AccessTokenIssuer } from './access-token.issuer';
import { identityConfig } from './identity.config';
import type { LoginResponse } from './login.dto';

const INVALID_REFRESH = 'invalid or expired refresh token';
const USER_AGENT_MAX = 512;

/** Sessions with rotating refresh tokens (`newSecretToken`; the table keeps only their digests). */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private readonly refreshTtlMs: number;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly users: UserRepository,
    private readonly tokens: AccessTokenIssuer,
    @InjectConfig(identityConfig) config: ConfigOf<typeof identityConfig>,
  ) {
    this.refreshTtlMs = config.REFRESH_TTL_DAYS * 86_400_000;
  }

  /** Opens a new session family for `user` and returns its first token pair. */
  async start(user: User, userAgent: string | undefined): Promise<LoginResponse> {
    const refresh = this.newRefreshToken();
    const familyId = randomUUID();
    await this.sessions.create({
      familyId,
      userId: user.id,
      userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null,
      ...refresh.row,
    });
    return this.pair(user, familyId, refresh.token);
  }

  /** Swaps a live refresh token for a new pair; a rotated one revokes its family and is refused. */
  async refresh(refreshToken: string): Promise<LoginResponse> {
    const next = this.newRefreshToken();
    const outcome = await this.sessions.rotate(digest(refreshToken), next.row);
    if (outcome.kind === 'reused') {
      this.logger.warn(
        `a rotated refresh token was used again: session family ${outcome.familyId} of user ${outcome.userId} revoked`,
      );
    }
    if (outcome.kind !== 'rotated') {
      throw new DomainError(ErrorCode.Unauthenticated, INVALID_REFRESH);
    }
    const user = await this.users.findById(outcome.userId);
    if (!user) {
      throw new DomainError(ErrorCode.Unauthenticated, INVALID_REFRESH);
    }
    return this.pair(user, outcome.familyId, next.token);
  }

  /** Ends the session the token belongs to; unknown tokens are ignored (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    await this.sessions.revokeByToken(digest(refreshToken));
  }

  /** An access token naming the session (`sid`), so a password change can keep this one alive. */
  private async pair(user: User, familyId: string, refreshToken: string): Promise<LoginResponse> {
    const { token, expiresIn } = await this.tokens.issue({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      sessionId: familyId,
    });
    return { accessToken: token, refreshToken, tokenType: 'Bearer', expiresIn };
  }

  private newRefreshToken(): { token: string; row: { tokenId: string; tokenHash: Buffer; expiresAt: Date } } {
    const token = newSecretToken();
    return {
      token,
      row: {
        tokenId: randomUUID(),
        tokenHash: digest(token),
        expiresAt: new Date(Date.now() + this.refreshTtlMs),
      },
    };
  }
}
