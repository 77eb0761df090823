import type { INestApplicationContext } from '@nestjs/common';
import { createWorkerService, serveWorkerService } from '@rentguy/platform/http';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfig } from './config';

/** The worker, not started yet: what `bootstrap` runs and the integration test drives. */
export function createApp(config: AppConfig, options?: AppModuleOptions): Promise<INestApplicationContext> {
  return createWorkerService(AppModule.forRoot(config, options), config);
}

/** No public port: the worker pulls jobs from Redis and answers only on the ops port. */
export async function bootstrap(config: AppConfig): Promise<void> {
  await serveWorkerService(await createApp(config), config);
}
