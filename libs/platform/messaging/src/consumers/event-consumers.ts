import type { INestApplication } from '@nestjs/common';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { InboxTransport } from './inbox.transport';

/**
 * Connects the app's consumer group (MessagingModule `consumerGroup`) as a Nest microservice and
 * starts it: Nest registers every `@OnEvent` controller method on the InboxTransport, which refuses
 * to start unless each event the group consumes has exactly one handler. Call before `listen()`.
 */
export async function startEventConsumers(app: INestApplication): Promise<void> {
  const options: AsyncMicroserviceOptions = {
    inject: [InboxTransport],
    useFactory: (strategy: InboxTransport) => ({ strategy }),
  };
  // The HTTP app's global filters and interceptors map HTTP errors; event handlers bring their own
  // (see OnEvent), so the microservice does not inherit them.
  app.connectMicroservice(options, { inheritAppConfig: false });
  await app.startAllMicroservices();
}
