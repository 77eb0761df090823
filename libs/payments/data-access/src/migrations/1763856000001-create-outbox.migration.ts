import { outboxMigration } from '@rentguy/platform/messaging';

export const CreateOutbox1763856000001 = outboxMigration('CreateOutbox1763856000001');
