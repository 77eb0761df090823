import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { DeliveryPageKey } from '@rentguy/notifications/data-access';
import { z } from 'zod';

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

const cursorSchema = z.object({ s: z.string(), c: z.string().max(64), i: z.uuid() }).strict();

/** An opaque cursor of a delivery list (`scope`): base64url of the last row's created_at text and id. */
export function encodeDeliveryCursor(scope: string, key: DeliveryPageKey): string {
  return Buffer.from(JSON.stringify({ s: scope, c: key.createdAt, i: key.id })).toString('base64url');
}

/** The key a cursor continues after; 400 naming `cursor` when this list did not make it. */
export function decodeDeliveryCursor(scope: string, cursor: string): DeliveryPageKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.s !== scope || Number.isNaN(Date.parse(parsed.data.c))) {
    throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
      fields: [{ path: 'cursor', message: 'not a cursor of this list; start again without one' }],
    });
  }
  return { createdAt: parsed.data.c, id: parsed.data.i };
}
