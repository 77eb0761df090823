import { outboxMigration } from '@rentguy/platform/messaging';

/** Identity's transactional outbox and inbox (`identity.user.v1` events), like every producing service's. */
export const CreateOutbox1796256000000 = outboxMigration('CreateOutbox1796256000000');
