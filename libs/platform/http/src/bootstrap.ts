import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
type IEntryNestModule = Parameters<typeof NestFactory.create>[0];
import helmet from '@fastify/helmet';
import { Logger, requestIdOf } from '@rentguy/platform/logging';
import { maskConfig } from '@rentguy/platform/config';
import { runWithLifecycle } from '@rentguy/platform/health';
import { installHttpMetrics, MetricsRegistry } from '@rentguy/platform/metrics';
import { stopTracing } from '@rentguy/platform/tracing';
import { ErrorFilter } from './error.filter';

export interface ServiceConfig {
  OPS_PORT: number;
  HOST: string;
  SHUTDOWN_DRAIN_DELAY_MS: number;
  SHUTDOWN_GRACE_MS: number;
}

export interface HttpServiceConfig extends ServiceConfig {
  PORT: number;
  BODY_LIMIT_BYTES: number;
}

/** Boots a NestJS app on Fastify with logging, metrics, error mapping, the ops port and graceful stop. */
export async function bootstrapHttpService(
  module: IEntryNestModule,
  config: HttpServiceConfig,
  configure?: (app: NestFastifyApplication) => Promise<void> | void,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    return503OnClosing: true,
    genReqId: requestIdOf,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  logConfiguration(logger, config);
  app.useGlobalFilters(new ErrorFilter());
  await app.register(helmet, { contentSecurityPolicy: false });
  const fastify = app.getHttpAdapter().getInstance();
  installHttpMetrics(fastify, app.get(MetricsRegistry));
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await configure?.(app);
  await app.listen(config.PORT, config.HOST);
  logger.log(`listening on http://${config.HOST}:${config.PORT}`, 'Bootstrap');
  await runWithLifecycle(app, {
    opsPort: config.OPS_PORT,
    host: config.HOST,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    graceMs: config.SHUTDOWN_GRACE_MS,
    logger,
    onDrained: stopTracing,
  });
  return app;
}

/** Boots a worker (no public port): an application context plus the ops port and graceful stop. */
export async function bootstrapWorkerService(
  module: IEntryNestModule,
  config: ServiceConfig,
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  logConfiguration(logger, config);
  await app.init();
  await runWithLifecycle(app, {
    opsPort: config.OPS_PORT,
    host: config.HOST,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    graceMs: config.SHUTDOWN_GRACE_MS,
    logger,
    onDrained: stopTracing,
  });
  return app;
}

/** What the app runs with, secrets masked, so an operator can see the effective settings. */
function logConfiguration(logger: Logger, config: ServiceConfig): void {
  logger.log(
    { msg: 'configuration', config: maskConfig(config as unknown as Record<string, unknown>) },
    'Bootstrap',
  );
}
