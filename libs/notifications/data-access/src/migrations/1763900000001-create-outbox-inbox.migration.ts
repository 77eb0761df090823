import { outboxMigration } from '@rentguy/platform/messaging';

/** The inbox makes the consumers idempotent; the outbox is there for `notifications.delivery.v1`. */
export const CreateOutboxInbox1763900000001 = outboxMigration('CreateOutboxInbox1763900000001');
