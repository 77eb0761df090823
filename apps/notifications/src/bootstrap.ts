import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpService, serveHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfig } from './config';

/** The notifications service, set up but not listening: what `bootstrap` serves and the integration test drives. */
export function createApp(config: AppConfig, options?: AppModuleOptions): Promise<NestFastifyApplication> {
  return createHttpService(AppModule.forRoot(config, options), config, startEventConsumers);
}

export async function bootstrap(config: AppConfig): Promise<void> {
  await serveHttpService(await createApp(config), config);
}
