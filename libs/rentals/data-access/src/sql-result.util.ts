/**
 * TypeORM's postgres driver returns `[rows, rowCount]` from `query()` for UPDATE and DELETE (with or
 * without RETURNING) and plain rows for everything else.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

export const EXCLUSION_VIOLATION = '23P01';
