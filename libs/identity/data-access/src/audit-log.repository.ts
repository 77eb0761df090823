import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface AuditEntry {
  id: string;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string;
  ip: string | null;
  requestId: string | null;
  source: string;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

/** A listed entry and where it sits in the newest-first order (`occurred_at` as exact text, id). */
export type ListedAuditEntry = AuditEntry & { pageKey: { at: string; id: string } };

interface AuditRow {
  id: string;
  occurred_at: Date;
  occurred_at_text: string;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string;
  ip: string | null;
  request_id: string | null;
  source: string;
  details: Record<string, unknown>;
}

/** `identity.audit_log`: appended to, read by admins, never changed. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends an entry; an entry recorded before (a redelivered event: same id) is kept as it was. */
  async append(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO identity.audit_log
         (id, occurred_at, actor_id, actor_role, action, target_type, target_id, ip, request_id, source, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)
       ON CONFLICT (id) DO NOTHING`,
      [
        entry.id,
        entry.occurredAt,
        entry.actorId,
        entry.actorRole,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.ip,
        entry.requestId,
        entry.source,
        JSON.stringify(entry.details),
      ],
    );
  }

  /** Newest first, `limit + 1` rows after `after` (the caller cuts the page). */
  async list(
    filter: AuditFilter,
    limit: number,
    after?: { at: string; id: string },
  ): Promise<ListedAuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.actorId !== undefined) {
      where.push(`actor_id = ${param(filter.actorId)}`);
    }
    if (filter.action !== undefined) {
      where.push(`action = ${param(filter.action)}`);
    }
    if (filter.from !== undefined) {
      where.push(`occurred_at >= ${param(filter.from)}`);
    }
    if (filter.to !== undefined) {
      where.push(`occurred_at < ${param(filter.to)}`);
    }
    if (after !== undefined) {
      where.push(`(occurred_at, id) < (${param(after.at)}::timestamptz, ${param(after.id)}::uuid)`);
    }
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT *, occurred_at::text AS occurred_at_text FROM identity.audit_log
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY occurred_at DESC, id DESC
        LIMIT ${param(limit + 1)}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      occurredAt: row.occurred_at,
      actorId: row.actor_id,
      actorRole: row.actor_role,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      ip: row.ip,
      requestId: row.request_id,
      source: row.source,
      details: row.details,
      pageKey: { at: row.occurred_at_text, id: row.id },
    }));
  }
}
