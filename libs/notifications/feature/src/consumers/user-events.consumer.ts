import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import type { EventEnvelope } from '@rentguy/contracts';
import { InjectConfig, type ConfigOf } from '@rentguy/platform/config';
import { InboxContext, OnEvent } from '@rentguy/platform/messaging';
import { DEADLINE_TIME_ZONE } from '../booking-emails.service';
import { DeliveryService } from '../delivery.service';
import { notificationsConfig } from '../notifications.config';
import { RecipientDirectory, UnknownRecipientError, type Recipient } from '../recipient-directory.service';

/**
 * identity's `identity.user.v1` topic: the recipient directory, the welcome email (and a new host's
 * first tip), password-reset emails and API key expiry reminders. The topic is keyed by user id, so
 * a user's registration is consumed before their reset requests, updates and reminders.
 */
@Controller()
export class UserEventsConsumer {
  private readonly resetPage: URL;

  constructor(
    private readonly deliveries: DeliveryService,
    private readonly directory: RecipientDirectory,
    @InjectConfig(notificationsConfig) config: ConfigOf<typeof notificationsConfig>,
  ) {
    this.resetPage = new URL('/reset-password', config.PUBLIC_WEB_URL);
  }

  @OnEvent('user.registered')
  async onUserRegistered(
    @Payload() event: EventEnvelope<'user.registered'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.directory.applyRegistered(inbox.tx, event);
    const { data } = event;
    // A preference set before this event arrived (the user was quick) is kept: read it back.
    const user: Recipient = (await this.directory.find(inbox.tx, data.userId)) ?? {
      id: data.userId,
      email: data.email,
      name: data.name,
      locale: data.locale,
      preferences: {},
    };
    await this.deliveries.request(inbox.tx, event, 'welcome', user, { recipientName: user.name });
    if (data.role === 'host') {
      await this.deliveries.request(inbox.tx, event, 'host-getting-started', user, {
        recipientName: user.name,
      });
    }
  }

  @OnEvent('user.updated')
  async onUserUpdated(
    @Payload() event: EventEnvelope<'user.updated'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    await this.directory.applyUpdated(inbox.tx, event);
  }

  @OnEvent('password-reset.requested')
  async onPasswordResetRequested(
    @Payload() event: EventEnvelope<'password-reset.requested'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    const user = await this.directory.find(inbox.tx, data.userId);
    if (!user) {
      // Only for a user registered before the directory existed: the event has no address of its own.
      throw new UnknownRecipientError(data.userId);
    }
    const resetUrl = new URL(this.resetPage);
    resetUrl.searchParams.set('token', data.token);
    await this.deliveries.request(inbox.tx, event, 'password-reset', user, {
      recipientName: user.name,
      resetUrl: resetUrl.toString(),
      expiresAt: data.expiresAt,
      timeZone: DEADLINE_TIME_ZONE,
    });
  }

  @OnEvent('api-key.expiring')
  async onApiKeyExpiring(
    @Payload() event: EventEnvelope<'api-key.expiring'>,
    @Ctx() inbox: InboxContext,
  ): Promise<void> {
    const { data } = event;
    // Same topic and key as the owner's registration, so the directory knows them by now.
    const owner = await this.directory.find(inbox.tx, data.userId);
    if (!owner) {
      throw new UnknownRecipientError(data.userId);
    }
    await this.deliveries.request(inbox.tx, event, 'api-key-expiring', owner, {
      recipientName: owner.name,
      keyName: data.name,
      keyPrefix: data.prefix,
      expiresAt: data.expiresAt,
      timeZone: DEADLINE_TIME_ZONE,
    });
  }
}
