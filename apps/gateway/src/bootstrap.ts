import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { installApiDocs, installEdgeBodyParsers, installEdgeResponses } from '@rentguy/gateway/edge';
import { createHttpService, serveHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfig } from './config';

/** The gateway, set up but not listening: what `bootstrap` serves and the integration test drives. */
export function createApp(
  config: AppConfig,
  options: AppModuleOptions = {},
): Promise<NestFastifyApplication> {
  return createHttpService(
    AppModule.forRoot(config, options),
    config,
    (app) => configureGateway(app, config),
    {
      // A client could otherwise name any address in X-Forwarded-For and dodge its rate limits.
      trustProxy: config.TRUSTED_PROXIES.length > 0 ? config.TRUSTED_PROXIES : false,
    },
  );
}

export async function bootstrap(config: AppConfig): Promise<void> {
  await serveHttpService(await createApp(config), config);
}

/**
 * What the public edge adds to the common HTTP service: pass-through bodies, caching headers and
 * compression, CORS, OpenAPI.
 */
async function configureGateway(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  installEdgeBodyParsers(app, config.BODY_LIMIT_BYTES);
  await installEdgeResponses(app, config);
  await installApiDocs(app);
  // Other services' audit.recorded; started without waiting for Kafka, which the gateway does not require.
  await startEventConsumers(app);
  // An allow-list only: with no origins configured, browsers get no CORS headers at all.
  if (config.CORS_ORIGINS.length > 0) {
    await app.register(cors, {
      origin: config.CORS_ORIGINS,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'authorization',
        'content-type',
        'if-none-match',
        'if-match',
        'idempotency-key',
        'x-request-id',
      ],
      exposedHeaders: [
        'etag',
        'location',
        'retry-after',
        'x-request-id',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    });
  }
}
