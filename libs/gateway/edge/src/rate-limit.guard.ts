import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from '@rentguy/contracts';
import type { Principal } from '@rentguy/platform/http';
import { rateLimitChecksOf, type RateLimitCheck } from './rate-limit.policies';
import { rateLimitVerdict, type RateLimitDecision } from './rate-limit.verdict';
import { RateLimiter } from './rate-limiter.service';

/**
 * The gateway's rate limits, as a global guard after `AuthGuard` (so a verified caller is known):
 * every route limit of `rate-limit.policies.ts`, and the per-user limit of every authenticated call.
 * Sets `RateLimit-*` on every limited route's answer; 429 with `Retry-After` over a limit, 503 when a
 * fail-closed limit cannot be counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const checks = rateLimitChecksOf({
      method: request.method,
      route: request.routeOptions.url,
      ip: request.ip,
      userId: request.principal?.id,
      body: request.body,
    });
    if (checks.length === 0) {
      return true;
    }
    const decisions = await Promise.all(checks.map((check) => this.limiter.consume(check)));
    const verdict = rateLimitVerdict(decisions);
    const reply = http.getResponse<FastifyReply>();
    void reply.headers(verdict.headers);
    switch (verdict.outcome) {
      case 'allowed':
        this.refundOnSuccess(reply, checks, decisions);
        return true;
      case 'limited':
        throw new DomainError(ErrorCode.RateLimited, 'too many requests, try again later', {
          retryAfterSeconds: Number(verdict.headers['retry-after']),
        });
      case 'unavailable':
        throw new DomainError(ErrorCode.ServiceUnavailable, 'this route is unavailable, try again shortly');
    }
  }

  /** Failures-only counters get their point back once the answer turns out a success. */
  private refundOnSuccess(
    reply: FastifyReply,
    checks: readonly RateLimitCheck[],
    decisions: readonly RateLimitDecision[],
  ): void {
    const refundable = checks.filter((_, i) => {
      const decision = decisions[i];
      return decision?.counted === true && decision.policy.countsFailuresOnly === true;
    });
    if (refundable.length === 0) {
      return;
    }
    reply.raw.once('finish', () => {
      if (reply.statusCode < 400) {
        for (const check of refundable) {
          void this.limiter.refund(check);
        }
      }
    });
  }
}
