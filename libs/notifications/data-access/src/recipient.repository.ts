import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RecipientEntity } from './recipient.entity';

export interface RecipientProfile {
  id: string;
  email: string;
  name: string;
  locale: string;
  /** Known from registration only; an update leaves the stored role as it is. */
  role?: string;
  /** When identity's event occurred: the newest profile wins, whatever order events arrive in. */
  occurredAt: Date;
}

/** The recipient directory in `notifications.recipients`. */
@Injectable()
export class RecipientRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Writes identity's view of a user unless a newer one is already stored; preferences are left
   * alone. @returns false when the stored profile was newer (the event changed nothing).
   */
  async applyProfile(manager: EntityManager, profile: RecipientProfile): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO notifications.recipients (id, email, name, locale, role, profile_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE
          SET email = EXCLUDED.email, name = EXCLUDED.name, locale = EXCLUDED.locale,
              role = COALESCE(EXCLUDED.role, recipients.role),
              profile_at = EXCLUDED.profile_at, updated_at = now()
        WHERE recipients.profile_at < EXCLUDED.profile_at
       RETURNING id`,
      [profile.id, profile.email, profile.name, profile.locale, profile.role ?? null, profile.occurredAt],
    );
    return rows.length > 0;
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<RecipientEntity | null> {
    return manager.getRepository(RecipientEntity).findOneBy({ id });
  }

  /**
   * Merges `changes` into a user's preferences. A user the directory has not heard of yet (their
   * registration event is still on its way) gets an entry from `fallback`, which the event then
   * overwrites because its profile is newer than `-infinity`.
   */
  async updatePreferences(
    id: string,
    changes: Record<string, boolean>,
    fallback: { email: string; name: string; locale: string },
  ): Promise<RecipientEntity> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO notifications.recipients (id, email, name, locale, preferences, profile_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, '-infinity')
       ON CONFLICT (id) DO UPDATE
          SET preferences = recipients.preferences || EXCLUDED.preferences, updated_at = now()
       RETURNING id`,
      [id, fallback.email, fallback.name, fallback.locale, JSON.stringify(changes)],
    );
    const saved = rows[0] ? await this.findById(rows[0].id) : null;
    if (!saved) {
      throw new Error(`recipient ${id} was written but cannot be read`);
    }
    return saved;
  }

  /** Sets one preference of a known recipient. @returns false when the directory has no such user. */
  async setPreference(id: string, category: string, enabled: boolean): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE notifications.recipients
          SET preferences = preferences || jsonb_build_object($2::text, $3::boolean), updated_at = now()
        WHERE id = $1
       RETURNING id`,
      [id, category, enabled],
    );
    return rows.length > 0;
  }
}
