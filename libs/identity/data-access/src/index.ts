export { identitySchema } from './identity.schema';
export { UserEntity } from './user.entity';
export { UserRepository, type NewUser, type User } from './user.repository';
export {
  SessionRepository,
  type NewSession,
  type NextToken,
  type RotationOutcome,
} from './session.repository';
export { ApiKeyEntity } from './api-key.entity';
export { ApiKeyRepository, type NewApiKey } from './api-key.repository';
