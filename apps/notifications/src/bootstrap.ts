import { bootstrapHttpService } from '@rentguy/platform/http';
import { startEventConsumers } from '@rentguy/platform/messaging';
import { AppModule } from './app.module';
import type { NotificationsAppConfig } from './config';

export async function bootstrap(config: NotificationsAppConfig): Promise<void> {
  await bootstrapHttpService(AppModule.register(config), config, startEventConsumers);
}
