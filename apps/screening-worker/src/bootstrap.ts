import { bootstrapWorkerService } from '@rentguy/platform/http';
import { AppModule } from './app.module';
import type { ScreeningWorkerAppConfig } from './config';

/** No public port: the worker pulls jobs from Redis and answers only on the ops port. */
export async function bootstrap(config: ScreeningWorkerAppConfig): Promise<void> {
  await bootstrapWorkerService(AppModule.register(config), config);
}
