import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type Role } from '@rentguy/contracts';
import { UserRepository } from '@rentguy/identity/data-access';
import { TransactionRunner } from '@rentguy/platform/database';
import { decodePageCursor, pageOf, type Principal } from '@rentguy/platform/http';
import { AuditLog, type RequestOrigin } from './audit/audit-log.service';
import type { AdminUsersQuery, UserPage, UserView } from './account.dto';
import { userView } from './user.view';

const SCOPE = 'admin-users';

/** The admins' view of every account. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditLog,
  ) {}

  /** Reading other users' accounts is itself audited: one entry per page read, with its filter. */
  async list(admin: Principal, query: AdminUsersQuery, origin: RequestOrigin): Promise<UserPage> {
    await this.audit.record({
      actor: admin,
      action: 'admin.user_viewed',
      target: { type: 'user_list', id: query.email ?? query.role ?? '*' },
      origin,
      details: {
        role: query.role ?? null,
        email: query.email ?? null,
        page: query.cursor ? 'next' : 'first',
      },
    });
    const after = query.cursor === undefined ? undefined : decodePageCursor(SCOPE, query.cursor);
    const rows = await this.users.list({
      role: query.role,
      email: query.email,
      after: after && { createdAt: new Date(after.at), id: after.id },
      limit: query.limit,
    });
    return pageOf(
      rows,
      query.limit,
      SCOPE,
      (user) => ({ at: user.createdAt.toISOString(), id: user.id }),
      userView,
    );
  }

  /** Changes a role and records who changed it, from what to what, in the same transaction. */
  async setRole(admin: Principal, id: string, role: Role, origin: RequestOrigin): Promise<UserView> {
    const changed = await this.transactions.run(async (tx) => {
      const result = await this.users.updateRole(tx, id, role);
      if (result) {
        await this.audit.record(
          {
            actor: admin,
            action: 'user.role_changed',
            target: { type: 'user', id },
            origin,
            details: { from: result.previousRole, to: role },
          },
          tx,
        );
      }
      return result;
    });
    if (!changed) {
      throw new DomainError(ErrorCode.NotFound, 'user not found');
    }
    return userView(changed.user);
  }
}
