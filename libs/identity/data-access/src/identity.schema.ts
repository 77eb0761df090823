import { CreateUsers1767225600000 } from './migrations/1767225600000-create-users.migration';
import { UserEntity } from './user.entity';

/** The `identity` schema, owned by the gateway. */
export const IDENTITY_SCHEMA = 'identity';

/** Entities of the identity schema, for `DatabaseModule.forRoot` and the migrate command. */
export const identityEntities = [UserEntity];

/** Migrations of the identity schema, oldest first. */
export const identityMigrations = [CreateUsers1767225600000];
