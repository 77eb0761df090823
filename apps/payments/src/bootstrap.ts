import { bootstrapHttpService } from '@rentguy/platform/http';
import { STRIPE_WEBHOOK_PATH, keepRawJsonBody } from '@rentguy/payments/feature';
import { AppModule } from './app.module';
import type { PaymentsConfig } from './config';

export async function bootstrap(config: PaymentsConfig): Promise<void> {
  // Stripe signs the exact bytes it sends; the webhook route must see them unparsed.
  await bootstrapHttpService(AppModule.register(config), config, (app) =>
    keepRawJsonBody(app, [STRIPE_WEBHOOK_PATH]),
  );
}
