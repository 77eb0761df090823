import { Column, Entity, PrimaryColumn } from 'typeorm';

export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One email we owe someone because of one event: the delivery ledger. The unique
 * (event_id, template, recipient) is what makes a redelivered or twice-consumed event send one email.
 */
@Entity({ schema: 'notifications', name: 'deliveries' })
export class DeliveryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'event_id' })
  eventId!: string;

  @Column('text')
  template!: string;

  @Column('text')
  recipient!: string;

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

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  @Column('text', { name: 'provider_message_id', nullable: true })
  providerMessageId!: string | null;
}
