import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Variables every app reads. */
export const baseConfig = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** How long readiness reports 503 before the app starts draining, so load balancers stop routing. */
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(2000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(1000).default(25000),
};

export const httpConfig = (defaultPort: number, defaultOpsPort: number) => ({
  PORT: port.default(defaultPort),
  OPS_PORT: port.default(defaultOpsPort),
  HOST: z.string().default('127.0.0.1'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
});

export const opsConfig = (defaultOpsPort: number) => ({
  OPS_PORT: port.default(defaultOpsPort),
  HOST: z.string().default('127.0.0.1'),
});

export const databaseConfig = {
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/rentguy'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATABASE_SLOW_QUERY_MS: z.coerce.number().int().positive().default(500),
};

export const redisConfig = {
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
};

export const cacheConfig = {
  CACHE_REDIS_URL: z.url().default('redis://127.0.0.1:6379/1'),
};

export const kafkaConfig = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^:]+:\d+$/, 'expected host:port')).min(1)),
  KAFKA_CLIENT_ID: z.string().optional(),
  /** Prefix of this deployment's consumer group ids, so two deployments can share one cluster. */
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-" only')
    .default(''),
};

/** HMAC keys by key id ("kid1:secret1,kid2:secret2"); the first signs, all verify, so keys can rotate. */
export const jwtConfig = {
  JWT_KEYS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => {
          const i = pair.indexOf(':');
          return { kid: pair.slice(0, i), secret: pair.slice(i + 1) };
        }),
    )
    .pipe(
      z
        .array(
          z.object({
            kid: z.string().min(1),
            secret: z.string().min(32, 'each JWT secret needs at least 32 characters'),
          }),
        )
        .min(1),
    ),
  JWT_ISSUER: z.string().default('rentguy'),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86400).default(900),
};

export const publicUrlConfig = {
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:3000'),
};

export const stripeConfig = {
  STRIPE_SECRET_KEY: z.string().min(1),
  STRIPE_WEBHOOK_SECRET: z.string().min(1),
  STRIPE_API_BASE_URL: z.url().optional(),
};

export const smtpConfig = {
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().default('RentGuy <no-reply@rentguy.test>'),
};

export const storageConfig = {
  BLOB_STORAGE_DIR: z.string().default('.data/blobs'),
};

export const flags = { bool };

/** What main.ts needs before anything else loads: tracing must start before the libraries it patches. */
export const tracingConfig = {
  OTEL_EXPORTER_OTLP_ENDPOINT: baseConfig.OTEL_EXPORTER_OTLP_ENDPOINT,
};
