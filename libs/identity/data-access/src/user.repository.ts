import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Role } from '@rentguy/contracts';
import type { Tx } from '@rentguy/platform/database';
import { UserEntity, type Locale } from './user.entity';

export type User = UserEntity;

export type NewUser = Pick<User, 'id' | 'email' | 'passwordHash' | 'name' | 'role' | 'locale'>;

export interface ProfileChange {
  name?: string;
  locale?: Locale;
}

/** Where a page of the admins' user list starts: after this user, newest first. */
export interface UserListPosition {
  createdAt: Date;
  id: string;
}

export interface UserListQuery {
  role?: Role;
  /** A case-insensitive substring of the address. */
  email?: string;
  after?: UserListPosition;
  limit: number;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  name: string;
  role: Role;
  locale: Locale;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, email, password_hash, name, role, locale, created_at, updated_at';

@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /**
   * Inserts the user in `tx`; `null` when the email is already taken. The unique index on `email`
   * decides, so concurrent registrations cannot both win. ON CONFLICT rather than catching SQLSTATE
   * 23505: a failed INSERT is logged by TypeORM with its parameters, the password hash among them.
   */
  async insert(tx: Tx, user: NewUser): Promise<User | null> {
    const rows = (await tx.query(
      `INSERT INTO identity.users (id, email, password_hash, name, role, locale)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (email) DO NOTHING
       RETURNING ${COLUMNS}`,
      [user.id, user.email, user.passwordHash, user.name, user.role, user.locale],
    )) as UserRow[];
    const [row] = rows;
    return row ? this.toUser(row) : null;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  async updatePasswordHash(id: string, passwordHash: string, tx?: Tx): Promise<void> {
    await (tx ?? this.users.manager).query(
      `UPDATE identity.users SET password_hash = $2, updated_at = now() WHERE id = $1`,
      [id, passwordHash],
    );
  }

  /** Applies the change in `tx` and returns the user as it is now; `null` when there is no such user. */
  async updateProfile(tx: Tx, id: string, change: ProfileChange): Promise<User | null> {
    const [rows] = (await tx.query(
      `UPDATE identity.users
       SET name = COALESCE($2, name), locale = COALESCE($3, locale), updated_at = now()
       WHERE id = $1
       RETURNING ${COLUMNS}`,
      [id, change.name ?? null, change.locale ?? null],
    )) as [UserRow[], number];
    const [row] = rows;
    return row ? this.toUser(row) : null;
  }

  async updateRole(id: string, role: Role): Promise<User | null> {
    const [rows] = (await this.users.query(
      `UPDATE identity.users SET role = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, role],
    )) as [UserRow[], number];
    const [row] = rows;
    return row ? this.toUser(row) : null;
  }

  /** A page of users, newest first (`limit + 1` rows: the caller tells from the extra one whether more follow). */
  async list(query: UserListQuery): Promise<User[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.role) {
      params.push(query.role);
      where.push(`role = $${params.length}`);
    }
    if (query.email) {
      // Addresses are stored lowercased; LIKE's wildcards in the filter are taken literally.
      params.push(`%${query.email.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`email LIKE $${params.length}`);
    }
    if (query.after) {
      params.push(query.after.createdAt, query.after.id);
      where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const rows = (await this.users.query(
      `SELECT ${COLUMNS} FROM identity.users
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC
       LIMIT $${params.length}`,
      params,
    )) as UserRow[];
    return rows.map((row) => this.toUser(row));
  }

  private toUser(row: UserRow): User {
    return this.users.create({
      id: row.id,
      email: row.email,
      passwordHash: row.password_hash,
      name: row.name,
      role: row.role,
      locale: row.locale,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}
