import { Injectable, Logger } from '@nestjs/common';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { AfterCommitHooks } from '@rentguy/platform/database';
import { JobQueue, type JobContext, type JobOutcome } from '@rentguy/platform/queue';
import type { EntityManager } from 'typeorm';
import {
  MailRejectedError,
  SmtpMailRepository,
  type SentEmail,
  type DeliveryEntity,
  type DeliveryStatus,
  DeliveryRepository,
} from '@rentguy/notifications/data-access';
import {
  emailSubject,
  isSwitchable,
  isTemplateName,
  isWanted,
  LOCALES,
  type RenderedEmail,
  renderStoredEmail,
  resolveLocale,
  storedAfterSending,
  templateCatalog,
  templateCategories,
  type TemplateName,
  type TemplatePayload,
} from '@rentguy/notifications/domain';
import { describeError } from '@rentguy/platform/errors';
import type { Recipient } from './recipient-directory.service';
import { UnsubscribeLinks } from './unsubscribe-links';

/** Header that names the ledger row an email came from, so a duplicate at the recipient is traceable. */
export const DELIVERY_HEADER = 'X-RentGuy-Delivery';

const SWEEP_BATCH = 500;

export interface RecordedDelivery {
  deliveryId: string;
  status: DeliveryStatus;
  /** False when this (event, template, recipient) was recorded before: a redelivered event. */
  created: boolean;
}

/** The event a delivery answers: its id makes the ledger row unique, its time starts the latency clock. */
export interface DeliveryCause {
  id: string;
  occurredAt: string;
}

/**
 * The life of one email: recorded in the ledger with the event that asked for it (or recorded as
 * suppressed when the recipient switched its category off), handed to the email queue after that
 * transaction commits, sent at most once per ledger row.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly outcomes;
  private readonly latency;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly mail: SmtpMailRepository,
    private readonly jobs: JobQueue,
    private readonly afterCommit: AfterCommitHooks,
    private readonly unsubscribe: UnsubscribeLinks,
    metrics: MetricsRegistry,
  ) {
    this.outcomes = metrics.counter({
      name: 'notification_deliveries_total',
      help: 'Deliveries settled, by template, locale and outcome (sent, failed, suppressed)',
      labelNames: ['template', 'locale', 'outcome'],
    });
    this.latency = metrics.histogram({
      name: 'notification_event_to_smtp_accepted_seconds',
      help: 'From the occurredAt of the event that asked for an email to the SMTP relay accepting it',
      labelNames: ['template'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    // Zero series from the start, so rate() and absence alerts work before the first email.
    for (const template of Object.keys(templateCatalog)) {
      for (const locale of LOCALES) {
        for (const outcome of ['sent', 'failed', 'suppressed']) {
          this.outcomes.inc({ template, locale, outcome }, 0);
        }
      }
    }
  }

  /**
   * Records that `template` is owed to `recipient` because of `cause`, in the caller's transaction
   * (the inbox transaction of the event), and hands it to the email queue once that commits. A
   * category the recipient switched off is recorded as `suppressed` and never sent.
   */
  async request<T extends TemplateName>(
    manager: EntityManager,
    cause: DeliveryCause,
    template: T,
    recipient: Recipient,
    payload: TemplatePayload<T>,
  ): Promise<RecordedDelivery> {
    const locale = resolveLocale(recipient.locale);
    const category = templateCategories[template];
    const { id, status, created } = await this.deliveries.record(manager, {
      eventId: cause.id,
      template,
      category,
      recipient: recipient.email,
      recipientId: recipient.id,
      locale,
      subject: emailSubject(template, payload, locale),
      payload,
      occurredAt: new Date(cause.occurredAt),
      status: isWanted(category, recipient.preferences) ? 'queued' : 'suppressed',
    });
    if (status === 'queued') {
      this.afterCommit.register(manager, () => this.enqueue(id));
    } else if (status === 'suppressed' && created) {
      this.afterCommit.register(manager, () => {
        this.outcomes.inc({ template, locale, outcome: 'suppressed' });
        return Promise.resolve();
      });
    }
    return { deliveryId: id, status, created };
  }

  /**
   * Hands a recorded delivery to the email queue. Call only after the recording transaction has
   * committed; calling it again for the same delivery is harmless (the job id is the delivery's).
   */
  async enqueue(deliveryId: string): Promise<void> {
    await this.jobs.enqueue('email', 'email.send', { deliveryId }, { entityId: deliveryId });
  }

  /**
   * Sends one delivery (the `email.send` job). Throwing asks BullMQ for another attempt (its
   * exponential backoff): a temporary refusal (4xx) or a connection that failed or dropped. A
   * permanent refusal (5xx) fails the delivery at once.
   */
  async send(deliveryId: string, job: Pick<JobContext, 'isFinalAttempt'>): Promise<JobOutcome> {
    const delivery = await this.deliveries.startAttempt(deliveryId);
    if (!delivery) {
      const current = await this.deliveries.findById(deliveryId);
      return {
        status: 'skipped',
        reason: current ? `delivery is already ${current.status}` : 'delivery not found',
      };
    }
    const labels = { template: delivery.template, locale: delivery.locale };
    const email = this.prepare(delivery);
    if (typeof email === 'string') {
      // The ledger row cannot become an email whatever we retry: a bug to fix, not to retry for hours.
      await this.deliveries.recordFailure(deliveryId, email, true);
      this.outcomes.inc({ ...labels, outcome: 'failed' });
      this.logger.error(`delivery ${deliveryId} (${delivery.template}) ${email}`);
      return { status: 'skipped', reason: email };
    }
    const { unsubscribeUrl } = email;

    let sent: SentEmail;
    try {
      sent = await this.mail.send({
        to: delivery.recipient,
        subject: delivery.subject,
        text: email.text,
        html: email.html,
        // Stable across retries, so a relay or mail client can tell a repeat from a new message.
        messageId: `<${delivery.id}@${this.mail.messageIdDomain}>`,
        headers: {
          [DELIVERY_HEADER]: delivery.id,
          'Auto-Submitted': 'auto-generated',
          // RFC 8058 one-click unsubscribe: a mail client POSTs `List-Unsubscribe=One-Click` to the link.
          ...(typeof unsubscribeUrl === 'string' && {
            'List-Unsubscribe': `<${unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          }),
        },
      });
    } catch (error) {
      const permanent = error instanceof MailRejectedError;
      const final = permanent || job.isFinalAttempt;
      await this.deliveries.recordFailure(deliveryId, messageOf(error), final, this.keptPayload(delivery));
      if (final) {
        this.outcomes.inc({ ...labels, outcome: 'failed' });
        this.logger.error(
          `delivery ${deliveryId} (${delivery.template}) failed after ${delivery.attempts} attempt(s): ${messageOf(error)}`,
        );
      }
      if (permanent) {
        return { status: 'skipped', reason: `rejected by the relay: ${messageOf(error)}` };
      }
      throw error;
    }
    if (delivery.occurredAt) {
      this.latency.observe(
        { template: delivery.template },
        (Date.now() - delivery.occurredAt.getTime()) / 1000,
      );
    }
    // A crash (or a failed update) from here re-sends on the job's retry: at-least-once, same Message-ID.
    await this.deliveries.markSent(deliveryId, sent.messageId, this.keptPayload(delivery));
    this.outcomes.inc({ ...labels, outcome: 'sent' });
    return { status: 'done' };
  }

  /**
   * Re-enqueues deliveries still queued after `minAgeMs`: covers a crash between the consumer's
   * commit and its enqueue, and a job that failed for good without the ledger saying so (it failed
   * outside the handler, or the final `failed` write was lost) — BullMQ keeps that job id for days,
   * so a plain enqueue would be a no-op and the row would stay queued forever.
   * Safe to run on every instance because the job ids are the delivery ids.
   * @returns how many deliveries were looked at.
   */
  async sweepQueued(minAgeMs: number): Promise<number> {
    const ids = await this.deliveries.findStaleQueued(new Date(Date.now() - minAgeMs), SWEEP_BATCH);
    for (const id of ids) {
      const { retried } = await this.jobs.enqueueOrRetryFailed(
        'email',
        'email.send',
        { deliveryId: id },
        { entityId: id },
      );
      if (retried) {
        this.logger.warn(`delivery ${id} was queued but its job had failed; retrying it`);
      }
    }
    return ids.length;
  }

  /** What the ledger keeps of a delivery's payload once it is settled (no reset tokens). */
  private keptPayload(delivery: DeliveryEntity): unknown {
    return isTemplateName(delivery.template)
      ? storedAfterSending(delivery.template, delivery.payload)
      : delivery.payload;
  }

  /**
   * The email of a stored delivery, with the signed unsubscribe link a non-transactional one
   * carries, or why it cannot be made.
   */
  private prepare(delivery: DeliveryEntity): (RenderedEmail & { unsubscribeUrl?: string }) | string {
    let unsubscribeUrl: string | undefined;
    if (isSwitchable(delivery.category)) {
      if (!delivery.recipientId) {
        return `cannot sign an unsubscribe link: a ${delivery.category} delivery without a recipient id`;
      }
      unsubscribeUrl = this.unsubscribe.url({
        recipientId: delivery.recipientId,
        category: delivery.category,
      });
    }
    try {
      const email = renderStoredEmail(delivery.template, delivery.locale, delivery.payload, {
        unsubscribeUrl,
      });
      return { ...email, unsubscribeUrl };
    } catch (error) {
      return `cannot render: ${messageOf(error)}`;
    }
  }
}

function messageOf(error: unknown): string {
  return describeError(error);
}
