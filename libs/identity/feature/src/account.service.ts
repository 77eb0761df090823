import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal } from '@rentguy/platform/http';
import { SessionRepository, UserRepository, type User } from '@rentguy/identity/data-access';
import type { ChangePasswordDto, UpdateMeDto, UserView } from './account.dto';
import { PasswordHasher } from './password.hasher';
import { UserEventsPublisher } from './user-events.publisher';
import { userView } from './user.view';

/** The caller's own account (`/v1/me`). */
@Injectable()
export class AccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly passwords: PasswordHasher,
    private readonly transactions: TransactionRunner,
    private readonly events: UserEventsPublisher,
  ) {}

  async me(caller: Principal): Promise<UserView> {
    return userView(await this.existing(caller.id));
  }

  /** Changes the name and/or locale and tells the other services (`user.updated`) in the same transaction. */
  async update(caller: Principal, dto: UpdateMeDto): Promise<UserView> {
    const user = await this.transactions.run(async (tx) => {
      const updated = await this.users.updateProfile(tx, caller.id, dto);
      if (updated) {
        await this.events.updated(tx, updated);
      }
      return updated;
    });
    if (!user) {
      throw gone();
    }
    return userView(user);
  }

  /**
   * Sets a new password when the current one is right, and ends every other session of the user
   * (the one the request came from, its token's `sid`, goes on).
   */
  async changePassword(caller: Principal, dto: ChangePasswordDto): Promise<void> {
    const user = await this.existing(caller.id);
    if (!(await this.passwords.verify(user.passwordHash, dto.currentPassword))) {
      throw new DomainError(ErrorCode.InvalidCredentials, 'the current password is wrong');
    }
    const passwordHash = await this.passwords.hash(dto.newPassword);
    await this.transactions.run(async (tx) => {
      await this.users.updatePasswordHash(user.id, passwordHash, tx);
      await this.sessions.revokeAllOfUser(tx, user.id, caller.sessionId ?? null);
    });
  }

  private async existing(id: string): Promise<User> {
    const user = await this.users.findById(id);
    if (!user) {
      throw gone();
    }
    return user;
  }
}

/** A valid token of a user that no longer exists. */
const gone = (): DomainError => new DomainError(ErrorCode.NotFound, 'account not found');
