import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import { ApiKeyRepository, UserRepository, type ApiKeyEntity } from '@rentguy/identity/data-access';
import { TransactionRunner } from '@rentguy/platform/database';
import type { Principal } from '@rentguy/platform/http';
import { API_KEY_PREFIX, keyIdOf, matchesDigest, mintApiKey } from './api-key.secret';
import { AuditLog, type RequestOrigin } from '../audit/audit-log.service';
import type { ApiKeyView, CreateApiKeyDto, CreatedApiKey } from './api-key.dto';

/** Live keys one user may hold at once. */
export const MAX_ACTIVE_KEYS = 25;
/** A key's `lastUsedAt` is written at most once per this window (and per gateway instance). */
export const LAST_USED_WINDOW_MS = 60_000;

/** The owner an API key acts as, and what it may do. */
export interface ApiKeyCaller {
  keyId: string;
  owner: Principal;
  scopes: readonly string[];
}

@Injectable()
export class ApiKeysService {
  /** When each key's use was last written here: at most one write per key and window. */
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly users: UserRepository,
    private readonly audit: AuditLog,
    private readonly transactions: TransactionRunner,
  ) {}

  async create(
    owner: Principal,
    dto: CreateApiKeyDto,
    origin: RequestOrigin,
    now = new Date(),
  ): Promise<CreatedApiKey> {
    if ((await this.keys.countActive(owner.id, now)) >= MAX_ACTIVE_KEYS) {
      throw new DomainError(
        ErrorCode.Conflict,
        `at most ${MAX_ACTIVE_KEYS} live API keys per account: revoke one first`,
      );
    }
    const minted = mintApiKey();
    // The key and its audit entry commit together: no key exists that the log does not show.
    const stored = await this.transactions.run(async (tx) => {
      const key = await this.keys.insert(
        {
          id: randomUUID(),
          userId: owner.id,
          name: dto.name,
          keyId: minted.keyId,
          secretHash: minted.secretHash,
          scopes: [...dto.scopes],
          expiresAt: new Date(now.getTime() + dto.expiresInDays * 86_400_000),
        },
        tx,
      );
      await this.audit.record(
        {
          actor: owner,
          action: 'api_key.created',
          target: { type: 'api_key', id: key.id },
          origin,
          details: { name: key.name, scopes: key.scopes, expiresAt: key.expiresAt.toISOString() },
        },
        tx,
      );
      return key;
    });
    return { ...toView(stored), key: minted.key };
  }

  async list(owner: Principal, now = new Date()): Promise<{ items: ApiKeyView[] }> {
    return { items: (await this.keys.listActive(owner.id, now)).map(toView) };
  }

  /** Revokes one of the caller's own keys at once; someone else's key is as unknown as a missing one. */
  async revoke(owner: Principal, id: string, origin: RequestOrigin): Promise<void> {
    const revoked = await this.transactions.run(async (tx) => {
      if (!(await this.keys.revoke(owner.id, id, tx))) {
        return false;
      }
      await this.audit.record(
        { actor: owner, action: 'api_key.revoked', target: { type: 'api_key', id }, origin },
        tx,
      );
      return true;
    });
    if (!revoked) {
      throw new DomainError(ErrorCode.NotFound, 'no such API key');
    }
  }

  /**
   * The caller a presented key stands for: live (not revoked, not expired), its secret matching, its
   * owner still there. Every failure is the same 401, so a probe learns nothing about which part failed.
   */
  async authenticate(presented: string, now = new Date()): Promise<ApiKeyCaller> {
    const keyId = keyIdOf(presented);
    const key = keyId ? await this.keys.findByKeyId(keyId) : null;
    const owner =
      key && matchesDigest(presented, key.secretHash) ? await this.users.findById(key.userId) : null;
    if (!key || !owner || key.revokedAt !== null || key.expiresAt.getTime() <= now.getTime()) {
      throw new DomainError(ErrorCode.Unauthenticated, 'invalid, expired or revoked API key');
    }
    await this.recordUse(key, now);
    return {
      keyId: key.keyId,
      owner: { id: owner.id, email: owner.email, name: owner.name, role: owner.role },
      scopes: key.scopes,
    };
  }

  private async recordUse(key: ApiKeyEntity, now: Date): Promise<void> {
    const last = this.lastWritten.get(key.id) ?? key.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - last < LAST_USED_WINDOW_MS) {
      return;
    }
    this.lastWritten.set(key.id, now.getTime());
    // The statement also skips the write when another instance recorded a use within the window.
    await this.keys.touch(key.id, now, LAST_USED_WINDOW_MS);
  }
}

function toView(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: `${API_KEY_PREFIX}${key.keyId}`,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
