/**
 * Any thrown value as one line of text for logs, spans and stored error records: `Name: message`,
 * with the code a driver attached (`ECONNREFUSED`, a SQLSTATE such as `40P01`) when there is one, and
 * its cause after a colon (`fetch failed` says little; its cause says what failed).
 * `{ stack: true }` gives the stack instead, for an error that stops the process.
 */
export function describeError(error: unknown, options: { stack?: boolean } = {}): string {
  if (!isErrorLike(error)) {
    return String(error);
  }
  if (options.stack && error.stack) {
    return error.stack;
  }
  const code = (error as { code?: unknown }).code;
  const suffix = typeof code === 'string' || typeof code === 'number' ? ` (${code})` : '';
  const cause = error.cause === undefined ? '' : `: ${describeError(error.cause)}`;
  return `${error.name ?? 'Error'}: ${error.message}${suffix}${cause}`;
}

interface ErrorLike {
  name?: string;
  message: string;
  stack?: string;
  cause?: unknown;
}

// By shape, not `instanceof Error`: errors from another realm (e.g. fetch's under jest's VM
// contexts) are errors too.
function isErrorLike(value: unknown): value is ErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Any thrown value as an Error, e.g. for `span.recordException` or a callback that takes one. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
