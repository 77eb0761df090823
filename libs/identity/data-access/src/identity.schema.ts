import type { ServiceSchema } from '@rentguy/platform/database';
import { CreateUsers1767225600000 } from './migrations/1767225600000-create-users.migration';
import { CreateRefreshTokens1796169600000 } from './migrations/1796169600000-create-refresh-tokens.migration';
import { CreateApiKeys1796301234000 } from './migrations/1796301234000-create-api-keys.migration';
import { ApiKeyEntity } from './api-key.entity';
import { UserEntity } from './user.entity';

/** The `identity` schema, owned by the gateway: its entities and its migrations, oldest first. */
export const identitySchema: ServiceSchema = {
  name: 'identity',
  entities: [UserEntity, ApiKeyEntity],
  migrations: [CreateUsers1767225600000, CreateRefreshTokens1796169600000, CreateApiKeys1796301234000],
};
