import { z } from 'zod';

/** Kafka topics, one per aggregate, keyed by aggregate id. */
export const Topics = {
  booking: 'rentals.booking.v1',
  property: 'rentals.property.v1',
  application: 'rentals.application.v1',
  payment: 'payments.payment.v1',
  refund: 'payments.refund.v1',
  delivery: 'notifications.delivery.v1',
  user: 'identity.user.v1',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];

/** The dead-letter topic of one consumer group for one source topic. */
export const dlqTopic = (topic: string, consumer: string): string => `${topic}.dlq.${consumer}`;

const isoDate = z.iso.date();
const locale = z.enum(['en', 'nl']).default('en');
const money = { amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) };

/** Payload schemas by event type. Adding an event means adding it here, and only here. */
export const eventCatalog = {
  'booking.held': {
    topic: Topics.booking,
    version: 1,
    data: z.object({
      bookingId: z.uuid(),
      propertyId: z.uuid(),
      propertyTitle: z.string(),
      hostId: z.uuid(),
      guestId: z.uuid(),
      guestEmail: z.email(),
      guestName: z.string(),
      checkIn: isoDate,
      checkOut: isoDate,
      totalAmount: money.amount,
      currency: money.currency,
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  },
  'booking.confirmed': {
    topic: Topics.booking,
    version: 1,
    data: z.object({
      bookingId: z.uuid(),
      propertyId: z.uuid(),
      propertyTitle: z.string(),
      hostId: z.uuid(),
      guestId: z.uuid(),
      guestEmail: z.email(),
      guestName: z.string(),
      checkIn: isoDate,
      checkOut: isoDate,
      totalAmount: money.amount,
      currency: money.currency,
      locale,
    }),
  },
  'booking.expired': {
    topic: Topics.booking,
    version: 1,
    data: z.object({ bookingId: z.uuid(), propertyId: z.uuid() }),
  },
  /**
   * An imported calendar feed marks dates taken that a held or confirmed booking already has: the
   * booking stands (an import never cancels one), the host is told once per feed event and booking.
   */
  'calendar.conflict': {
    topic: Topics.property,
    version: 1,
    data: z.object({
      propertyId: z.uuid(),
      propertyTitle: z.string(),
      hostId: z.uuid(),
      bookingId: z.uuid(),
      checkIn: isoDate,
      checkOut: isoDate,
      feedId: z.uuid(),
      /** The feed as the host named it. */
      calendarName: z.string(),
    }),
  },
  'payment.succeeded': {
    topic: Topics.payment,
    version: 1,
    data: z.object({
      paymentId: z.uuid(),
      bookingId: z.uuid(),
      provider: z.enum(['stripe', 'mollie']),
      providerPaymentId: z.string(),
      amount: money.amount,
      currency: money.currency,
    }),
  },
  'payment.failed': {
    topic: Topics.payment,
    version: 1,
    data: z.object({
      paymentId: z.uuid(),
      bookingId: z.uuid(),
      provider: z.enum(['stripe', 'mollie']),
      reason: z.string(),
    }),
  },
  'application.screened': {
    topic: Topics.application,
    version: 1,
    data: z.object({
      applicationId: z.uuid(),
      propertyId: z.uuid(),
      guestId: z.uuid(),
      outcome: z.enum(['approved', 'declined', 'review']),
    }),
  },
  'user.registered': {
    topic: Topics.user,
    version: 1,
    data: z.object({
      userId: z.uuid(),
      email: z.email(),
      name: z.string(),
      locale,
      role: z.enum(['guest', 'host']),
    }),
  },
  'user.updated': {
    topic: Topics.user,
    version: 1,
    data: z.object({ userId: z.uuid(), email: z.email(), name: z.string(), locale }),
  },
  /** Carries the single-use reset secret: only notifications reads this topic, and the token is hashed at rest. */
  'password-reset.requested': {
    topic: Topics.user,
    version: 1,
    data: z.object({
      userId: z.uuid(),
      token: z.string().min(32),
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  },
} as const;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['data']>;

/**
 * Kafka consumer groups, one per consuming service, and the event types each one applies. A group
 * reads the topics of its events; a service must handle each of them exactly once and nothing else
 * (the messaging library refuses to boot otherwise).
 */
export const consumerGroups = {
  rentals: ['payment.succeeded'],
  payments: ['booking.held', 'booking.expired', 'booking.confirmed'],
  notifications: [
    // the booking lifecycle: what the guest is asked to pay, confirmed, expired, and failed payments.
    'booking.held',
    'booking.confirmed',
    'booking.expired',
    'payment.failed',
    // rentals' calendar sync: an imported feed collides with a booking (the host's email).
    'calendar.conflict',
    // identity's user events: the recipient directory, welcome and password-reset emails.
    'user.registered',
    'user.updated',
    'password-reset.requested',
  ],
} as const satisfies Record<string, readonly EventType[]>;
export type ConsumerGroup = keyof typeof consumerGroups;

/** The topics a consumer group reads: those of the events it applies. */
export function topicsOfGroup(group: ConsumerGroup): Topic[] {
  return [...new Set(consumerGroups[group].map((type) => eventCatalog[type].topic))];
}

export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  aggregateId: z.string().min(1),
  data: z.unknown(),
});

/** What travels on Kafka: one fact, already committed by the service that owns it. */
export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  aggregateId: string;
  data: EventData<T>;
}

export class EventValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventValidationError';
  }
}

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventCatalog, type);
}

/** Parses a raw message value into a typed envelope, or throws EventValidationError saying why. */
export function parseEnvelope(raw: unknown): EventEnvelope {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new EventValidationError(`invalid envelope: ${z.prettifyError(envelope.error)}`);
  }
  const { type } = envelope.data;
  if (!isEventType(type)) {
    throw new EventValidationError(`unknown event type "${type}"`);
  }
  const entry = eventCatalog[type];
  if (envelope.data.version !== entry.version) {
    throw new EventValidationError(`unsupported version ${envelope.data.version} of "${type}"`);
  }
  const data = entry.data.safeParse(envelope.data.data);
  if (!data.success) {
    throw new EventValidationError(`invalid "${type}" payload: ${z.prettifyError(data.error)}`);
  }
  return { ...envelope.data, type, data: data.data } as EventEnvelope;
}
