import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { AuditAction, EventEnvelope } from '@rentguy/contracts';
import { AuditLogRepository, type ListedAuditEntry } from '@rentguy/identity/data-access';
import {
  decodePageCursor,
  pageOf,
  type Page,
  type Principal,
  type RequestOrigin,
} from '@rentguy/platform/http';
import type { EntityManager } from 'typeorm';
import type { AuditQuery } from './audit.dto';

export type { RequestOrigin } from '@rentguy/platform/http';

export interface AuditedAction {
  /** Who did it; `role` null when the request had no role to tell (a password-reset token). */
  actor: { id: string; role: Principal['role'] | null } | null;
  action: AuditAction;
  target: { type: string; id: string };
  origin: RequestOrigin;
  details?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: string;
  occurredAt: string;
  actor: { id: string; role: string | null } | null;
  action: string;
  target: { type: string; id: string };
  ip: string | null;
  requestId: string | null;
  source: string;
  details: Record<string, unknown>;
}

const SCOPE = 'audit';

/**
 * The audit log of sensitive actions (docs/architecture.md, Security). The gateway records its own
 * in the transaction of the change when there is one; entries reported by other services arrive as
 * `audit.recorded` events.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly entries: AuditLogRepository) {}

  async record(action: AuditedAction, manager?: EntityManager): Promise<void> {
    await this.entries.append(
      {
        id: randomUUID(),
        occurredAt: new Date(),
        actorId: action.actor?.id ?? null,
        actorRole: action.actor?.role ?? null,
        action: action.action,
        targetType: action.target.type,
        targetId: action.target.id,
        ip: action.origin.ip,
        requestId: action.origin.requestId,
        source: 'gateway',
        details: action.details ?? {},
      },
      manager,
    );
  }

  /**
   * Appends an action another service reported (`audit.recorded`). The entry takes the event's id,
   * so a redelivery the inbox did not stop still adds no second row.
   */
  async recordReported(event: EventEnvelope<'audit.recorded'>, manager: EntityManager): Promise<void> {
    const { data } = event;
    await this.entries.append(
      {
        id: event.id,
        occurredAt: new Date(data.occurredAt),
        actorId: data.actor.id,
        actorRole: data.actor.role,
        action: data.action,
        targetType: data.target.type,
        targetId: data.target.id,
        ip: data.ip,
        requestId: data.requestId,
        source: data.source,
        details: data.details,
      },
      manager,
    );
  }

  async list(query: AuditQuery): Promise<Page<AuditEntryView>> {
    const after = query.cursor === undefined ? undefined : decodePageCursor(SCOPE, query.cursor);
    const rows = await this.entries.list(
      { actorId: query.actor, action: query.action, from: query.from, to: query.to },
      query.limit,
      after,
    );
    return pageOf(rows, query.limit, SCOPE, (row) => row.pageKey, toView);
  }
}

function toView(entry: ListedAuditEntry): AuditEntryView {
  return {
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    actor: entry.actorId === null ? null : { id: entry.actorId, role: entry.actorRole },
    action: entry.action,
    target: { type: entry.targetType, id: entry.targetId },
    ip: entry.ip,
    requestId: entry.requestId,
    source: entry.source,
    details: entry.details,
  };
}
