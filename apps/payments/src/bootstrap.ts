import { bootstrapHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { STRIPE_WEBHOOK_PATH, keepRawJsonBody } from '@rentguy/payments/feature';
import { AppModule } from './app.module';
import type { PaymentsConfig } from './config';

export async function bootstrap(config: PaymentsConfig): Promise<void> {
  await bootstrapHttpService(AppModule.register(config), config, async (app) => {
    // Stripe signs the exact bytes it sends; the webhook route must see them unparsed.
    await keepRawJsonBody(app, [STRIPE_WEBHOOK_PATH]);
    await startEventConsumers(app);
  });
}
