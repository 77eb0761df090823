import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `queued`: owed and handed to the email queue (retrying on temporary failures); `sent`: the relay
 * accepted it; `failed`: given up (a permanent refusal or the last attempt); `suppressed`: not sent
 * because the recipient switched its category off.
 */
export const DELIVERY_STATUSES = ['queued', 'sent', 'failed', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One email we owe someone because of one event: the delivery ledger. The unique
 * (event_id, template, recipient) — the recipient by user id when there is one, by address otherwise —
 * is what makes a redelivered or twice-consumed event send one email.
 */
@Entity({ schema: 'notifications', name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text')
  template!: string;

  /** The address the email goes to. */
  @Column('text')
  recipient!: string;

  /** The user it is for, when the event named one (null for messages to a bare address). */
  @Column('uuid', { name: 'recipient_id', nullable: true })
  recipientId!: string | null;

  /** The preference category (`transactional` is always sent). */
  @Column('text')
  category!: string;

  @Column('text')
  locale!: string;

  @Column('text')
  subject!: string;

  /** What the template needs, captured when the event arrived (the event is not kept). */
  @Column('jsonb')
  payload!: unknown;

  @Column('text')
  status!: DeliveryStatus;

  @Column('integer')
  attempts!: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  /** When the event that asked for it occurred: the start of the event → SMTP-accepted latency. */
  @Column('timestamptz', { name: 'occurred_at', nullable: true })
  occurredAt!: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;
}
