import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@rentguy/contracts';
import { MetricsRegistry } from '@rentguy/platform/metrics';
import { JobQueue, type JobContext, type JobOutcome } from '@rentguy/platform/queue';
import type { EntityManager } from 'typeorm';
import {
  MailRejectedError,
  SmtpMailRepository,
  type SentEmail,
  type DeliveryEntity,
  DeliveryRepository,
} from '@rentguy/notifications/data-access';
import {
  emailSubject,
  type RenderedEmail,
  renderStoredEmail,
  resolveLocale,
  templateCatalog,
  type TemplateName,
  type TemplatePayload,
} from '@rentguy/notifications/domain';
import { describeError } from '@rentguy/platform/errors';

/** Header that names the ledger row an email came from, so a duplicate at the recipient is traceable. */
export const DELIVERY_HEADER = 'X-RentGuy-Delivery';

const SWEEP_BATCH = 500;

export interface RecordedDelivery {
  deliveryId: string;
  /** False when this (event, template, recipient) was recorded before: a redelivered event. */
  created: boolean;
}

/**
 * The life of one email: recorded in the ledger with the event that asked for it, handed to the
 * email queue after that transaction commits, sent at most once per ledger row.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly sent;
  private readonly failed;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly mail: SmtpMailRepository,
    private readonly jobs: JobQueue,
    metrics: MetricsRegistry,
  ) {
    this.sent = metrics.counter({
      name: 'emails_sent_total',
      help: 'Emails accepted by the SMTP relay, by template',
      labelNames: ['template'],
    });
    this.failed = metrics.counter({
      name: 'emails_failed_total',
      help: 'Emails given up on, by template',
      labelNames: ['template'],
    });
    // Zero series from the start, so rate() and absence alerts work before the first email.
    for (const template of Object.keys(templateCatalog)) {
      this.sent.inc({ template }, 0);
      this.failed.inc({ template }, 0);
    }
  }

  /** Records the guest's booking confirmation, in the transaction that consumes the event. */
  recordBookingConfirmed(
    manager: EntityManager,
    event: EventEnvelope<'booking.confirmed'>,
  ): Promise<RecordedDelivery> {
    const { data } = event;
    return this.record(manager, event.id, 'booking-confirmed', data.guestEmail, data.locale, {
      bookingId: data.bookingId,
      guestName: data.guestName,
      propertyTitle: data.propertyTitle,
      checkIn: data.checkIn,
      checkOut: data.checkOut,
      totalAmount: data.totalAmount,
      currency: data.currency,
    });
  }

  /**
   * Hands a recorded delivery to the email queue. Call only after the recording transaction has
   * committed; calling it again for the same delivery is harmless (the job id is the delivery's).
   */
  async enqueue(deliveryId: string): Promise<void> {
    await this.jobs.enqueue('email', 'email.send', { deliveryId }, { entityId: deliveryId });
  }

  /** Sends one delivery (the `email.send` job). Throwing asks BullMQ for another attempt. */
  async send(deliveryId: string, job: Pick<JobContext, 'isFinalAttempt'>): Promise<JobOutcome> {
    const delivery = await this.deliveries.startAttempt(deliveryId);
    if (!delivery) {
      const current = await this.deliveries.findById(deliveryId);
      return {
        status: 'skipped',
        reason: current ? `delivery is already ${current.status}` : 'delivery not found',
      };
    }
    const labels = { template: delivery.template };
    const email = this.render(delivery);
    if (typeof email === 'string') {
      // The ledger row cannot become an email whatever we retry: a bug to fix, not to retry for hours.
      await this.deliveries.recordFailure(deliveryId, email, true);
      this.failed.inc(labels);
      this.logger.error(`delivery ${deliveryId} (${delivery.template}) ${email}`);
      return { status: 'skipped', reason: email };
    }

    let sent: SentEmail;
    try {
      sent = await this.mail.send({
        to: delivery.recipient,
        subject: delivery.subject,
        text: email.text,
        html: email.html,
        // Stable across retries, so a relay or mail client can tell a repeat from a new message.
        messageId: `<${delivery.id}@${this.mail.messageIdDomain}>`,
        headers: { [DELIVERY_HEADER]: delivery.id, 'Auto-Submitted': 'auto-generated' },
      });
    } catch (error) {
      const permanent = error instanceof MailRejectedError;
      const final = permanent || job.isFinalAttempt;
      await this.deliveries.recordFailure(deliveryId, messageOf(error), final);
      if (final) {
        this.failed.inc(labels);
        this.logger.error(
          `delivery ${deliveryId} (${delivery.template}) failed after ${delivery.attempts} attempt(s): ${messageOf(error)}`,
        );
      }
      if (permanent) {
        return { status: 'skipped', reason: `recipient rejected: ${messageOf(error)}` };
      }
      throw error;
    }
    // A crash (or a failed update) from here re-sends on the job's retry: at-least-once, same Message-ID.
    await this.deliveries.markSent(deliveryId, sent.messageId);
    this.sent.inc(labels);
    return { status: 'done' };
  }

  /**
   * Re-enqueues deliveries still pending after `minAgeMs`: covers a crash between the consumer's
   * commit and its enqueue, and a job that failed for good without the ledger saying so (it failed
   * outside the handler, or the final `failed` write was lost) — BullMQ keeps that job id for days,
   * so a plain enqueue would be a no-op and the row would stay pending forever.
   * Safe to run on every instance because the job ids are the delivery ids.
   * @returns how many deliveries were looked at.
   */
  async sweepPending(minAgeMs: number): Promise<number> {
    const ids = await this.deliveries.findStalePending(new Date(Date.now() - minAgeMs), SWEEP_BATCH);
    for (const id of ids) {
      const { retried } = await this.jobs.enqueueOrRetryFailed(
        'email',
        'email.send',
        { deliveryId: id },
        { entityId: id },
      );
      if (retried) {
        this.logger.warn(`delivery ${id} was pending but its job had failed; retrying it`);
      }
    }
    return ids.length;
  }

  /** The email, or why the stored delivery cannot be rendered. */
  private render(delivery: DeliveryEntity): RenderedEmail | string {
    try {
      return renderStoredEmail(delivery.template, delivery.locale, delivery.payload);
    } catch (error) {
      return `cannot render: ${messageOf(error)}`;
    }
  }

  private async record<T extends TemplateName>(
    manager: EntityManager,
    eventId: string,
    template: T,
    recipient: string,
    requestedLocale: string | undefined,
    payload: TemplatePayload<T>,
  ): Promise<RecordedDelivery> {
    const locale = resolveLocale(requestedLocale);
    const { id, created } = await this.deliveries.recordPending(manager, {
      eventId,
      template,
      recipient,
      locale,
      subject: emailSubject(template, payload, locale),
      payload,
    });
    return { deliveryId: id, created };
  }
}

function messageOf(error: unknown): string {
  return describeError(error);
}
