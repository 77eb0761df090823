import multipart from '@fastify/multipart';
import { bootstrapHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { AppModule } from './app.module';
import type { RentalsConfig } from './config';

export async function bootstrap(config: RentalsConfig): Promise<void> {
  await bootstrapHttpService(AppModule.register(config), config, async (app) => {
    // Image uploads stream through; one file per request, bounded in size.
    await app.register(multipart, {
      limits: { fileSize: config.UPLOAD_LIMIT_BYTES, files: 1, fields: 10, parts: 11 },
    });
    await startEventConsumers(app);
  });
}
