/** The SQLSTATE of a failed query, if the error came from PostgreSQL (bare or wrapped by TypeORM). */
export function sqlStateOf(error: unknown): string | undefined {
  const driverError = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  const code = driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
