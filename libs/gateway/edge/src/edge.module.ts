import { Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EdgeController } from './edge.controller';
import { EdgeReadCache } from './edge-read-cache';
import { ProxyService } from './proxy.service';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimiter } from './rate-limiter.service';
import { UpstreamClient } from './upstream.client';

/**
 * The public edge's routing to the services, and its rate limiter. The app must also call
 * `installEdgeBodyParsers` in its bootstrap, so proxied bodies pass through unparsed, and provide
 * `edgeGuards` after `authProviders`, and import the platform `CacheModule` (`EdgeReadCache`).
 */
@Module({
  controllers: [EdgeController],
  providers: [ProxyService, UpstreamClient, EdgeReadCache, RateLimiter],
  exports: [RateLimiter],
})
export class EdgeModule {}

/**
 * The edge's global guards, to list after `authProviders` in the app module's own `providers`:
 * global guards run in the order they are provided, and the rate limit counts the caller that
 * `AuthGuard` verified.
 */
export const edgeGuards: Provider[] = [{ provide: APP_GUARD, useClass: RateLimitGuard }];
