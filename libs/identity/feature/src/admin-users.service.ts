import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type Role } from '@rentguy/contracts';
import { UserRepository, type UserListPosition } from '@rentguy/identity/data-access';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal } from '@rentguy/platform/http';
import { AuditLog, type RequestOrigin } from './audit/audit-log.service';
import type { AdminUsersQuery, UserPage, UserView } from './account.dto';
import { userView } from './user.view';

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
    const rows = await this.users.list({
      role: query.role,
      email: query.email,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(userView),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
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

/** An opaque position: the last user's creation time and id, base64url. */
function encodeCursor(position: UserListPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): UserListPosition {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
      fields: [{ path: 'cursor', message: 'not a cursor this list handed out' }],
    });
  }
  return { createdAt, id };
}
