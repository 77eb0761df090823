/** Socket-level failures: the other end is not there, went away, or did not answer in time. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs that say the server cannot serve us now, not that the query was wrong:
 * class 08 (connection exception), the shutdown and start-up states of class 57, and no free
 * connection slot (53300).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P01|57P02|57P03|53300)$/;

/** Errors the clients raise by name when their server is unreachable or too slow. */
const OUTAGE_ERROR_NAMES = new Set([
  // ioredis: the command gave up reconnecting
  'MaxRetriesPerRequestError',
  // kafkajs
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSConnectionClosedError',
]);

/** What node-postgres and ioredis say when a connection is lost or cannot be had in time. */
const OUTAGE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Connection is closed\.?$/,
  /Stream isn't writeable and enableOfflineQueue options is false/,
];

/**
 * Whether `error` (or anything in its `cause`/`driverError` chain) means that a dependency such as
 * PostgreSQL, Redis or Kafka is down or timing out — a 503 to retry, not a bug.
 */
export function isDependencyOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) {
    return false;
  }
  const { code, name, message, cause, driverError } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    driverError?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) {
    return true;
  }
  if (typeof name === 'string' && OUTAGE_ERROR_NAMES.has(name)) {
    return true;
  }
  if (typeof message === 'string' && OUTAGE_MESSAGES.some((pattern) => pattern.test(message))) {
    return true;
  }
  const nested = (error as { errors?: unknown }).errors;
  return (
    isDependencyOutage(driverError, depth + 1) ||
    isDependencyOutage(cause, depth + 1) ||
    (Array.isArray(nested) && nested.some((inner) => isDependencyOutage(inner, depth + 1)))
  );
}
