import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import type { ConfigOf } from '@rentguy/platform/config';
import { loggingConfig } from './logging.config';

/** Paths pino replaces with "[redacted]": credentials, provider signatures, card data. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.client_secret',
  '*.cardNumber',
  '*.card',
  '*.secret',
];

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Accepts a caller's `x-request-id` when it is sane, otherwise makes one up. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/** Adds the active trace and span ids to every log line, so logs and traces join up. */
export function traceMixin(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) {
    return {};
  }
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

export interface LoggingOptions {
  service: string;
}

/**
 * pino JSON logs with request id, trace id and redaction; HTTP access logs for every request. Reads
 * `loggingConfig`.
 */
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [loggingConfig.token],
          useFactory: (config: ConfigOf<typeof loggingConfig>) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service: options.service },
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              mixin: traceMixin,
              // Fastify assigns the id (see requestIdOf); pino-http reuses it.
              genReqId: (req) => (req as { id?: string }).id ?? requestIdOf(req),
              customLogLevel: (_req, res, error) =>
                error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
              autoLogging: { ignore: (req) => req.url === '/favicon.ico' },
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
