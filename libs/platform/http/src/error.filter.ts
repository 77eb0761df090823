import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, type ErrorBody } from '@rentguy/contracts';
import { describeError, isDependencyOutage } from '@rentguy/platform/errors';

/** The one place where error codes become HTTP statuses. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return 400;
    case ErrorCode.InvalidSignature:
      return 400;
    case ErrorCode.Unauthenticated:
    case ErrorCode.InvalidCredentials:
      return 401;
    case ErrorCode.Forbidden:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.Conflict:
    case ErrorCode.BookingOverlap:
    case ErrorCode.EmailTaken:
    case ErrorCode.NotPayable:
      return 409;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.UpstreamUnavailable:
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.InternalError:
      return 500;
  }
}

function codeOfStatus(status: number): ErrorCode {
  if (status === 401) {
    return ErrorCode.Unauthenticated;
  }
  if (status === 403) {
    return ErrorCode.Forbidden;
  }
  if (status === 404) {
    return ErrorCode.NotFound;
  }
  if (status === 409) {
    return ErrorCode.Conflict;
  }
  if (status === 413) {
    return ErrorCode.PayloadTooLarge;
  }
  if (status === 415) {
    return ErrorCode.UnsupportedMediaType;
  }
  if (status === 429) {
    return ErrorCode.RateLimited;
  }
  return ErrorCode.ValidationFailed;
}

function codeOfServerStatus(status: number): ErrorCode {
  if (status === 503) {
    return ErrorCode.ServiceUnavailable;
  }
  if (status === 502 || status === 504) {
    return ErrorCode.UpstreamUnavailable;
  }
  return ErrorCode.InternalError;
}

/** Seconds a client should wait before retrying a 503: a service restart or failover takes a few. */
export const RETRY_AFTER_SECONDS = 2;

/** Renders every error as `{ error: { code, message, details, requestId } }`; hides internals on 5xx. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const requestId = String(request.id ?? '');
    let status: number;
    let body: ErrorBody;
    if (exception instanceof DomainError) {
      status = statusOf(exception.code);
      body = {
        error: { code: exception.code, message: exception.message, details: exception.details, requestId },
      };
    } else if (exception instanceof HttpException && exception.getStatus() < 500) {
      status = exception.getStatus();
      body = { error: { code: codeOfStatus(status), message: exception.message, requestId } };
    } else if (isFastifyClientError(exception)) {
      status = exception.statusCode;
      body = { error: { code: codeOfStatus(status), message: exception.message, requestId } };
    } else if (isDependencyOutage(exception)) {
      // PostgreSQL, Redis or Kafka down or too slow: the request may well succeed in a moment.
      status = 503;
      this.logger.warn(`dependency unavailable: ${describeError(exception)}`);
      body = {
        error: {
          code: ErrorCode.ServiceUnavailable,
          message: 'a service this request needs is unavailable, try again shortly',
          requestId,
        },
      };
    } else {
      status = exception instanceof HttpException ? exception.getStatus() : 500;
      this.logger.error(describeError(exception, { stack: true }));
      body = { error: { code: codeOfServerStatus(status), message: 'internal error', requestId } };
    }
    if (status === 503) {
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}

function isFastifyClientError(e: unknown): e is { statusCode: number; message: string } {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}
