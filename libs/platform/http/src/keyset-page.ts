import { DomainError, ErrorCode } from '@rentguy/contracts';
import { z } from 'zod';

/** One page of a list, newest or cheapest first as the list says. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Where a page ends: the last row's sort key as PostgreSQL's exact text (e.g. `created_at::text`) and id. */
export interface PageKey {
  at: string;
  id: string;
}

const cursorSchema = z.strictObject({ s: z.string(), k: z.string().max(64), i: z.uuid() });

/**
 * An opaque keyset cursor: base64url of the last row's key, tagged with the list (`scope`) it belongs
 * to. Paging continues strictly after that row, so rows inserted meanwhile never make a page repeat
 * or skip a row that was there all along.
 */
export function encodePageCursor(scope: string, key: PageKey): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key.at, i: key.id })).toString('base64url');
}

/** The key a cursor continues after; 400 naming `cursor` when this list did not make it. */
export function decodePageCursor(scope: string, cursor: string): PageKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.s !== scope || Number.isNaN(Date.parse(parsed.data.k))) {
    throw new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
      fields: [{ path: 'cursor', message: 'not a cursor of this list; start again without one' }],
    });
  }
  return { at: parsed.data.k, id: parsed.data.i };
}

/**
 * Cuts the extra row off a `limit + 1` read: its presence says there is a next page, whose cursor
 * points after the last row kept.
 */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  scope: string,
  keyOf: (row: R) => PageKey,
  view: (row: R) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    items: kept.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodePageCursor(scope, keyOf(last)) : null,
  };
}
