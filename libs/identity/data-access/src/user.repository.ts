import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserEntity } from './user.entity';

export type User = UserEntity;

export type NewUser = Pick<User, 'id' | 'email' | 'passwordHash' | 'name' | 'role'>;

@Injectable()
export class UserRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /**
   * Inserts the user; `null` when the email is already taken. The unique index on `email` decides,
   * so concurrent registrations cannot both win. ON CONFLICT rather than catching SQLSTATE 23505:
   * a failed INSERT is logged by TypeORM with its parameters, the password hash among them.
   */
  async insert(user: NewUser): Promise<User | null> {
    const rows = (await this.users.query(
      `INSERT INTO identity.users (id, email, password_hash, name, role)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (email) DO NOTHING
       RETURNING created_at`,
      [user.id, user.email, user.passwordHash, user.name, user.role],
    )) as { created_at: Date }[];
    const [row] = rows;
    return row ? this.users.create({ ...user, createdAt: row.created_at }) : null;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }
}
