// Settings of local infrastructure: defaults, the environment and caller options resolved into one
// config object, the files of the Kafka cache, and the error type the CLI prints without a stack.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const INFRA_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(INFRA_DIR, '..', '..');
export const POM = path.join(INFRA_DIR, 'kafka', 'pom.xml');
// `.ci/run` stops leftover brokers by matching `.cache/kafka/server.properties`: keep the default here.
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'kafka');

export const DEFAULTS = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/rentguy',
  redisUrl: 'redis://127.0.0.1:6379',
  kafkaBrokers: '127.0.0.1:9092',
};

/** An expected, explained failure: the CLI prints only its message. */
export class InfraError extends Error {}

/** The files of one Kafka cache dir (jars, generated config, data, logs, pid and lock). */
export function kafkaFiles(cacheDir = DEFAULT_CACHE_DIR) {
  return {
    cacheDir,
    libs: path.join(cacheDir, 'libs'),
    data: path.join(cacheDir, 'data'),
    metaProperties: path.join(cacheDir, 'data', 'meta.properties'),
    serverProperties: path.join(cacheDir, 'server.properties'),
    log4jProperties: path.join(cacheDir, 'log4j.properties'),
    brokerLog: path.join(cacheDir, 'broker.log'),
    consoleLog: path.join(cacheDir, 'kafka.out'),
    pid: path.join(cacheDir, 'kafka.pid'),
    lock: path.join(cacheDir, 'up.lock'),
  };
}

/**
 * Options override the environment: databaseUrl, extraDatabases, redisUrl, kafkaBrokers, cacheDir
 * (INFRA_CACHE_DIR), env (instead of process.env) and logger ({ log, warn }, either may be left out).
 */
export function resolveConfig(options = {}) {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? env.INFRA_CACHE_DIR;
  return {
    databaseUrl: options.databaseUrl ?? (env.DATABASE_URL || DEFAULTS.databaseUrl),
    extraDatabases: toList(options.extraDatabases ?? env.INFRA_EXTRA_DATABASES),
    redisUrl: options.redisUrl ?? (env.REDIS_URL || DEFAULTS.redisUrl),
    kafkaBrokers: toList(options.kafkaBrokers ?? (env.KAFKA_BROKERS || DEFAULTS.kafkaBrokers)),
    files: kafkaFiles(cacheDir ? path.resolve(cacheDir) : DEFAULT_CACHE_DIR),
    java: env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java',
    // A caller may silence progress (`{ log() {} }`); warnings still reach stderr unless it overrides them.
    logger: { log: (line) => console.log(line), warn: (line) => console.warn(line), ...options.logger },
  };
}

function toList(value) {
  if (Array.isArray(value)) {
    return value;
  }
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function isUnreachable(err) {
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(err.code) ||
    /timeout/i.test(err.message)
  );
}

// Node reports a refused connection to several addresses as an AggregateError with no message.
export function describe(err) {
  return err.message || err.code || err.errors?.map((e) => e.message).join('; ') || String(err);
}

export function redact(url) {
  const copy = new URL(url);
  if (copy.password) {
    copy.password = '***';
  }
  return copy.href;
}
