import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@rentguy/contracts';
import { RecipientRepository, type RecipientEntity } from '@rentguy/notifications/data-access';
import type { EntityManager } from 'typeorm';

/** Where a message goes and in which language, as resolved when it is recorded. */
export interface Recipient {
  /** The user's id; null for an address the directory does not know. */
  id: string | null;
  email: string;
  name: string;
  locale: string;
  preferences: Readonly<Record<string, boolean>>;
}

/**
 * An event for a user the directory does not know, that carries no address of its own: the
 * handler throws it, so the event is retried, then dead-lettered to be redriven later.
 */
export class UnknownRecipientError extends Error {
  constructor(userId: string) {
    super(`no recipient ${userId} in the directory yet`);
    this.name = 'UnknownRecipientError';
  }
}

/**
 * Notifications' own directory of users, fed by identity's `user.registered` and `user.updated`.
 * Messages are addressed from it when they are recorded, so a changed address or language applies
 * from the next message on.
 */
@Injectable()
export class RecipientDirectory {
  constructor(private readonly recipients: RecipientRepository) {}

  /** @returns false when a newer profile of the user was already stored (the event changed nothing). */
  applyRegistered(tx: EntityManager, event: EventEnvelope<'user.registered'>): Promise<boolean> {
    const { userId, email, name, locale, role } = event.data;
    return this.recipients.applyProfile(tx, {
      id: userId,
      email,
      name,
      locale,
      role,
      occurredAt: new Date(event.occurredAt),
    });
  }

  applyUpdated(tx: EntityManager, event: EventEnvelope<'user.updated'>): Promise<boolean> {
    const { userId, email, name, locale } = event.data;
    return this.recipients.applyProfile(tx, {
      id: userId,
      email,
      name,
      locale,
      occurredAt: new Date(event.occurredAt),
    });
  }

  /** The directory's entry of a user, or null when identity's events about them have not arrived. */
  async find(tx: EntityManager, userId: string): Promise<(Recipient & { role: string | null }) | null> {
    const entry = await this.recipients.findById(userId, tx);
    return entry ? { ...toRecipient(entry), role: entry.role } : null;
  }

  /**
   * The user as the directory knows them, or — while their registration has not reached us (events
   * of other topics can overtake it) — the address and language the event itself carried.
   */
  async resolve(
    tx: EntityManager,
    userId: string,
    fallback: { email: string; name: string; locale: string },
  ): Promise<Recipient> {
    return (await this.find(tx, userId)) ?? { id: userId, ...fallback, preferences: {} };
  }
}

export function toRecipient(entry: RecipientEntity): Recipient {
  return {
    id: entry.id,
    email: entry.email,
    name: entry.name,
    locale: entry.locale,
    preferences: entry.preferences,
  };
}
