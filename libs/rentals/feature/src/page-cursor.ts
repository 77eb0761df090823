import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { PageKey } from '@rentguy/rentals/data-access';
import { z } from 'zod';
import { DEFAULT_PAGE_SIZE } from './listing.dto';

/** What a cursor's key orders by: an integer price or PostgreSQL's exact text of a timestamptz. */
export type CursorKind = 'integer' | 'timestamp';

const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

const payloadSchema = z
  .object({
    s: z.string(),
    v: z.union([
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
      z.string(),
    ]),
    i: z.uuid(),
  })
  .strict();

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

function invalidCursor(): DomainError {
  return new DomainError(ErrorCode.ValidationFailed, 'request validation failed', {
    fields: [{ path: 'cursor', message: 'not a cursor of this list and order; start again without one' }],
  });
}

/**
 * An opaque keyset cursor: base64url of the last row's sort key and id, tagged with the list and
 * order it belongs to (`scope`). Paging continues strictly after that row, so rows inserted or
 * removed meanwhile never make a page repeat or skip a row that was there all along.
 */
export function encodeCursor(scope: string, key: PageKey): string {
  return Buffer.from(JSON.stringify({ s: scope, v: key.value, i: key.id })).toString('base64url');
}

/** The page key of `cursor`; 400 naming `cursor` when it was not made by `encodeCursor(scope, …)`. */
export function decodeCursor(scope: string, kind: CursorKind, cursor: string): PageKey {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.s !== scope) {
    throw invalidCursor();
  }
  const { v, i } = parsed.data;
  const fits = kind === 'integer' ? typeof v === 'number' : typeof v === 'string' && TIMESTAMP_TEXT.test(v);
  if (!fits) {
    throw invalidCursor();
  }
  return { value: v, id: i };
}

/**
 * Cuts one extra row off a `limit + 1` read: its presence says there is a next page, whose cursor
 * points after the last row kept.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  scope: string,
  keyOf: (row: R) => PageKey,
  view: (row: R) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(view),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(scope, keyOf(last)) : null,
  };
}

/**
 * One page of a list ordered newest first on `(created_at, id)`: decodes the caller's cursor,
 * loads `limit + 1` rows after it and cuts them into a page of views.
 */
export async function newestFirstPage<R extends { id: string; createdAtKey: string }, T>(
  scope: string,
  query: { limit?: number; cursor?: string },
  load: (limit: number, after: PageKey | undefined) => Promise<R[]>,
  view: (row: R) => T,
): Promise<Page<T>> {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = query.cursor === undefined ? undefined : decodeCursor(scope, 'timestamp', query.cursor);
  const rows = await load(limit + 1, after);
  return toPage(rows, limit, scope, (row) => ({ value: row.createdAtKey, id: row.id }), view);
}
