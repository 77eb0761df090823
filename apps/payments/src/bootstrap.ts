import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpService, serveHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { MOLLIE_WEBHOOK_PATH, STRIPE_WEBHOOK_PATH, keepRawJsonBody } from '@rentguy/payments/feature';
import { AppModule, type AppModuleOptions } from './app.module';
import type { AppConfig } from './config';

/** The payments service, set up but not listening: what `bootstrap` serves and the integration tests drive. */
export function createApp(config: AppConfig, options?: AppModuleOptions): Promise<NestFastifyApplication> {
  return createHttpService(AppModule.forRoot(config, options), config, async (app) => {
    // Stripe signs the exact bytes it sends; the webhook routes must see them unparsed (Mollie's
    // form-encoded ping is read by its adapter).
    await keepRawJsonBody(app, [STRIPE_WEBHOOK_PATH, MOLLIE_WEBHOOK_PATH]);
    await startEventConsumers(app);
  });
}

export async function bootstrap(config: AppConfig): Promise<void> {
  await serveHttpService(await createApp(config), config);
}
