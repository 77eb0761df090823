import { bootstrapHttpService } from '@rentguy/platform/http';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config';

export async function bootstrap(config: GatewayConfig): Promise<void> {
  await bootstrapHttpService(AppModule.register(config), config);
}
