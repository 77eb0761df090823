import type { ServiceSchema } from '@rentguy/platform/database';
import { CreateUsers1767225600000 } from './migrations/1767225600000-create-users.migration';
import { CreateRefreshTokens1796169600000 } from './migrations/1796169600000-create-refresh-tokens.migration';
import { CreateOutbox1796256000000 } from './migrations/1796256000000-create-outbox.migration';
import { CreateAccounts1796256000001 } from './migrations/1796256000001-create-accounts.migration';
import { CreateApiKeys1796301234000 } from './migrations/1796301234000-create-api-keys.migration';
import { CreateAuditLog1796301300000 } from './migrations/1796301300000-create-audit-log.migration';
import { ApiKeyEntity } from './api-key.entity';
import { UserEntity } from './user.entity';

/** The `identity` schema, owned by the gateway: its entities and its migrations, oldest first. */
export const identitySchema: ServiceSchema = {
  name: 'identity',
  entities: [UserEntity, ApiKeyEntity],
  migrations: [
    CreateUsers1767225600000,
    CreateRefreshTokens1796169600000,
    CreateOutbox1796256000000,
    CreateAccounts1796256000001,
    CreateApiKeys1796301234000,
    CreateAuditLog1796301300000,
  ],
};
