import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type Role } from '@rentguy/contracts';
import { UserRepository, type UserListPosition } from '@rentguy/identity/data-access';
import type { AdminUsersQuery, UserPage, UserView } from './account.dto';
import { userView } from './user.view';

/** The admins' view of every account. */
@Injectable()
export class AdminUsersService {
  constructor(private readonly users: UserRepository) {}

  async list(query: AdminUsersQuery): Promise<UserPage> {
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

  async setRole(id: string, role: Role): Promise<UserView> {
    const user = await this.users.updateRole(id, role);
    if (!user) {
      throw new DomainError(ErrorCode.NotFound, 'user not found');
    }
    return userView(user);
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
