import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@rentguy/platform/config';
import { WorkerHost } from '@rentguy/platform/queue';
import { DeliveryService } from '../deliveries/delivery.service';
import type { NotificationsConfig } from '../notifications.config';

/** Runs the `email` queue's worker in this process. */
@Injectable()
export class EmailSendProcessor implements OnApplicationBootstrap {
  constructor(
    private readonly workers: WorkerHost,
    private readonly deliveries: DeliveryService,
    @Inject(APP_CONFIG) private readonly config: Pick<NotificationsConfig, 'EMAIL_WORKER_CONCURRENCY'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.workers.start(
      'email',
      { 'email.send': (data, job) => this.deliveries.send(data.deliveryId, job) },
      { concurrency: this.config.EMAIL_WORKER_CONCURRENCY },
    );
  }
}
