import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpService, serveHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfig } from './config';

/** The rentals service, set up but not listening: what `bootstrap` serves and the integration tests drive. */
export function createApp(config: AppConfig, options?: AppModuleOptions): Promise<NestFastifyApplication> {
  return createHttpService(AppModule.forRoot(config, options), config, async (app) => {
    // Image uploads stream through; one file per request, bounded in size.
    await app.register(multipart, {
      limits: { fileSize: config.UPLOAD_LIMIT_BYTES, files: 1, fields: 10, parts: 11 },
    });
    await startEventConsumers(app);
  });
}

export async function bootstrap(config: AppConfig): Promise<void> {
  await serveHttpService(await createApp(config), config);
}
