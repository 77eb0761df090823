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

/** The SQLSTATE of a failed query, if the error came from PostgreSQL. */
export function sqlStateOf(error: unknown): string | undefined {
  const driverError = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  const code = driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const EXCLUSION_VIOLATION = '23P01';
