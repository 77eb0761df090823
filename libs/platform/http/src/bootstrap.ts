import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
type IEntryNestModule = Parameters<typeof NestFactory.create>[0];
import helmet from 'helmet';
import { Logger, requestIdOf } from '@rentguy/platform/logging';
import { maskConfig, type ConfigOf } from '@rentguy/platform/config';
import { lifecycleConfig, runWithLifecycle } from '@rentguy/platform/health';
import { installHttpMetrics, MetricsRegistry } from '@rentguy/platform/metrics';
import {
  createTracedServer,
  recordServerRoute,
  stopTracing,
  tracingStarted,
} from '@rentguy/platform/tracing';
import { ErrorFilter } from './error.filter';
import type { httpConfig } from './http.config';

export type WorkerServiceConfig = ConfigOf<typeof lifecycleConfig>;
export type HttpServiceConfig = ConfigOf<typeof httpConfig> & WorkerServiceConfig;

/**
 * Helmet's headers, tightened for a JSON API: a CSP under which nothing loads and nothing frames
 * (HTML pages of the gateway get their own, `installEdgeResponses`), HSTS for a year with
 * subdomains, no framing, nosniff (helmet's default).
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  frameguard: { action: 'deny' },
} as const;

export interface HttpServiceOptions {
  /**
   * Whose `X-Forwarded-*` headers set `request.ip` and `request.protocol`: addresses/CIDRs, or
   * `true` for any. The services sit behind the gateway only (default `true`); the public edge
   * trusts its configured proxies only.
   */
  trustProxy?: boolean | string[];
}

/**
 * A NestJS app on Fastify with logging, metrics, error mapping and security headers, set up by the
 * app's `configure`, not listening yet: what `serveHttpService` serves, and what the apps'
 * integration tests drive (`inject` or `listen(0)`).
 */
export async function createHttpService(
  module: IEntryNestModule,
  config: HttpServiceConfig,
  configure?: (app: NestFastifyApplication) => Promise<void> | void,
  options: HttpServiceOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? true,
    return503OnClosing: true,
    genReqId: requestIdOf,
    // With tracing on, each request runs in its SERVER span (and Fastify's timeouts still apply).
    ...(tracingStarted() ? { serverFactory: createTracedServer } : {}),
  });
  // A wiring error is thrown (and printed by runService) instead of Nest exiting the process.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  logConfiguration(logger, config);
  app.useGlobalFilters(new ErrorFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // Helmet itself, built once: its Fastify plugin rebuilds the middleware on every request.
  const securityHeaders = helmet(SECURITY_HEADERS);
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error) => done(error instanceof Error ? error : undefined));
  });
  installHttpMetrics(fastify, app.get(MetricsRegistry));
  if (tracingStarted()) {
    fastify.addHook('onRequest', (request, _reply, done) => {
      recordServerRoute(request.method, request.routeOptions.url);
      done();
    });
  }
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await configure?.(app);
  return app;
}

/** Listens on `PORT`, opens the ops port and drains on SIGTERM/SIGINT. */
export async function serveHttpService(
  app: NestFastifyApplication,
  config: HttpServiceConfig,
): Promise<void> {
  const logger = app.get(Logger);
  await app.listen(config.PORT, config.HOST);
  logger.log(`listening on http://${config.HOST}:${config.PORT}`, 'Bootstrap');
  await serveOps(app, config, logger);
}

/** A worker (no public port): an application context, not initialised yet. */
export async function createWorkerService(
  module: IEntryNestModule,
  config: WorkerServiceConfig,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true, abortOnError: false });
  const logger = app.get(Logger);
  app.useLogger(logger);
  logConfiguration(logger, config);
  return app;
}

/** Starts the worker's jobs, opens the ops port and drains on SIGTERM/SIGINT. */
export async function serveWorkerService(
  app: INestApplicationContext,
  config: WorkerServiceConfig,
): Promise<void> {
  await app.init();
  await serveOps(app, config, app.get(Logger));
}

function serveOps(app: INestApplicationContext, config: WorkerServiceConfig, logger: Logger): Promise<void> {
  return runWithLifecycle(app, {
    opsPort: config.OPS_PORT,
    host: config.HOST,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    graceMs: config.SHUTDOWN_GRACE_MS,
    logger,
    onDrained: stopTracing,
  });
}

/** What the app runs with, secrets masked, so an operator can see the effective settings. */
function logConfiguration(logger: Logger, config: WorkerServiceConfig): void {
  logger.log({ msg: 'configuration', config: maskConfig(config) }, 'Bootstrap');
}
